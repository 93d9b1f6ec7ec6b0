package dev.evently.publish;

/**
 * The publisher already holds {@code maxBufferedEvents} events without an outcome, so it refused
 * this one at once: it was not sent. Retryable: publish it again once earlier futures have
 * completed (that is the back-pressure signal; see {@link SnsPublisher}).
 */
public final class BufferFullException extends PublishException {
  private static final long serialVersionUID = 1L;

  public BufferFullException(String eventId, String message) {
    super(eventId, message, true, null);
  }
}
