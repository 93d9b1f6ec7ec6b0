package dev.evently.publish.internal;

import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;

/**
 * A topic's size limit: its {@code MaximumMessageSize} attribute (1,024..1,048,576 bytes; body and
 * attributes count together), else SNS's default of 256 KiB. Read once when a publisher is built.
 */
public final class TopicLimits {
  private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);
  /** The topic attribute that raises SNS's limit. */
  public static final String MAXIMUM_MESSAGE_SIZE = "MaximumMessageSize";
  public static final int DEFAULT_BYTES = 256 * 1024;
  public static final int MIN_BYTES = 1024;
  public static final int MAX_BYTES = 1024 * 1024;

  private TopicLimits() {}

  /**
   * The limit a topic's attributes say: {@code MaximumMessageSize} when it is a number in
   * 1,024..1,048,576, else 256 KiB (SNS's default; also what a backend without the attribute, such
   * as moto, accepts).
   */
  public static int maxMessageBytes(Map<String, String> topicAttributes) {
    String value = topicAttributes == null ? null : topicAttributes.get(MAXIMUM_MESSAGE_SIZE);
    if (value == null) {
      return DEFAULT_BYTES;
    }
    try {
      int bytes = Integer.parseInt(value.trim());
      return bytes >= MIN_BYTES && bytes <= MAX_BYTES ? bytes : DEFAULT_BYTES;
    } catch (NumberFormatException e) {
      return DEFAULT_BYTES;
    }
  }

  /**
   * Asks SNS ({@code GetTopicAttributes}, blocking) for the topic's limit. When it cannot be read
   * (no {@code sns:GetTopicAttributes} permission, SNS unreachable) logs a warning and returns 256
   * KiB: never more than any topic accepts.
   */
  public static int lookUp(SnsAsyncClient sns, String topicArn) {
    try {
      Map<String, String> attributes =
          sns.getTopicAttributes(GetTopicAttributesRequest.builder().topicArn(topicArn).build()).join().attributes();
      return maxMessageBytes(attributes);
    } catch (RuntimeException e) { // SDK, completion, or a stub client in a test: never fail the build for it
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      LOG.warn("topic {}: MaximumMessageSize could not be read ({}); assuming SNS's default of {} bytes",
          topicArn, cause.getClass().getSimpleName(), DEFAULT_BYTES);
      return DEFAULT_BYTES;
    }
  }
}
