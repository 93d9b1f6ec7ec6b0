package dev.evently.idempotency;

/**
 * Thrown by an idempotent handler for an event that another delivery is processing right now.
 * It is a retryable failure: the message is not deleted and is delivered again after its
 * visibility timeout, when the first delivery has either completed it (the copy is then
 * acknowledged without running the handler) or given it up (the copy is then processed).
 */
public class DuplicateInProgressException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DuplicateInProgressException(String consumer, String eventId) {
    super("event " + eventId + " is being processed by another delivery for consumer " + consumer);
  }
}
