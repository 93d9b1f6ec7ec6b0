package dev.evently.consume;

/**
 * Thrown by a handler for an event that can never succeed (it breaks a business rule that will
 * not change on retry). The consumer moves the message straight to the dead-letter queue with
 * this exception's class and message as the reason, instead of retrying it.
 */
public class NonRetryableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonRetryableException(String message) {
    super(message);
  }

  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
