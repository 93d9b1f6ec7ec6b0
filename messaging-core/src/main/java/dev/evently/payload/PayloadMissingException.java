package dev.evently.payload;

/**
 * A {@link PayloadStore} has no object at a location: it was never stored, has expired, or was
 * deleted. A consumer retries such a message (the object may appear, e.g. read-after-write on
 * another replica) and dead-letters it with {@code dlq-reason} {@code PAYLOAD_MISSING} on its last
 * attempt. The message names the location's bucket and key only as "the object", never values.
 */
public final class PayloadMissingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PayloadMissingException(String message, Throwable cause) {
    super(message, cause);
  }
}
