package dev.evently.publish;

/** An event that was not published; the message names the event id and type and the cause. */
public class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String eventId;
  private final boolean retryable;

  public PublishException(String eventId, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.eventId = eventId;
    this.retryable = retryable;
  }

  public String eventId() {
    return eventId;
  }

  /** Whether publishing the same event again may succeed (throttling, outage) or not (too large). */
  public boolean retryable() {
    return retryable;
  }
}
