package dev.evently.outbox;

import dev.evently.publish.PublishException;
import software.amazon.awssdk.core.exception.SdkException;

/** The relay's retry classification: which publish failures park a row and which retry it. */
final class Failures {
  private Failures() {}

  /**
   * Whether the publisher refused the event itself for good, so that publishing it again cannot
   * succeed: an {@link IllegalArgumentException} (e.g. a FIFO group id SNS would refuse, a stored
   * message that breaks SNS's rules), or a {@link PublishException} that is not {@link
   * PublishException#retryable() retryable} (too large, an entry SNS rejected) unless an AWS SDK
   * exception caused it: a whole call SNS refused (access denied, topic not found) is about the
   * topic or the credentials, which an operator fixes, so such rows stay pending. Everything else
   * is retried: outages, throttling, {@link dev.evently.publish.BufferFullException}, timeouts, a
   * closed or missing publisher.
   */
  static boolean isPermanent(Throwable cause) {
    if (cause instanceof PublishException e) {
      return !e.retryable() && !(e.getCause() instanceof SdkException);
    }
    return cause instanceof IllegalArgumentException;
  }

  /** The reason stored in {@code last_error}: class and message, at most 1,000 characters. */
  static String describe(Throwable cause) {
    String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return message.length() > 1000 ? message.substring(0, 1000) : message;
  }
}
