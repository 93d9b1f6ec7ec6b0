package dev.evently.event;

/**
 * A message body that can never be decoded: see {@link #reason()}. Carries the event id and type
 * when they could be read, for dead-letter attributes and logs. The message never contains the
 * body itself.
 */
public final class EventDecodingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final DecodeFailure reason;
  private final String eventId;
  private final String eventType;

  public EventDecodingException(
      DecodeFailure reason, String message, String eventId, String eventType, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
    this.eventId = eventId;
    this.eventType = eventType;
  }

  public DecodeFailure reason() {
    return reason;
  }

  /** The event id, or null when it could not be read. */
  public String eventId() {
    return eventId;
  }

  /** The event type, or null when it could not be read. */
  public String eventType() {
    return eventType;
  }
}
