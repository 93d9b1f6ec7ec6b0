package dev.evently.event;

/**
 * A message that can never be decoded: see {@link #reason()}. Carries the event id and type
 * when they could be read, for dead-letter attributes and logs.
 *
 * <p>The message starts with the reason once ({@code "INVALID_DATA: data.orderTotal: expected a
 * number (BigDecimal)"}) and names the attribute or JSON path at fault and what was expected,
 * never a value from the message: it is safe to log and to copy into dead-letter attributes.
 * Decoding failures have no cause (a parser's exception quotes the input).
 */
public final class EventDecodingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final DecodeFailure reason;
  private final String eventId;
  private final String eventType;

  /**
   * @param message why, without the reason (a message already starting with "{@code REASON:}"
   *     is kept as it is); it must not quote values from the body
   */
  public EventDecodingException(
      DecodeFailure reason, String message, String eventId, String eventType, Throwable cause) {
    super(prefixed(reason, message), cause);
    this.reason = reason;
    this.eventId = eventId;
    this.eventType = eventType;
  }

  private static String prefixed(DecodeFailure reason, String message) {
    String prefix = reason + ":";
    return message != null && message.startsWith(prefix) ? message : prefix + " " + message;
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
