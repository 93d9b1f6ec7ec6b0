package dev.evently.consume;

/**
 * {@link SqsConsumer#start()} could not verify its queue: the queue does not exist, its
 * dead-letter queue is missing, its settings are unusable, or SQS could not be reached. The
 * message names the queue and what to fix. Nothing was received.
 */
public class ConsumerStartException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ConsumerStartException(String message) {
    super(message);
  }

  public ConsumerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
