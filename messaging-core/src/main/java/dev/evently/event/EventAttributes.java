package dev.evently.event;

/** Names of the SNS/SQS message attributes this toolkit reads and writes. */
public final class EventAttributes {
  /** The event type; subscriptions filter on it ({@code {"event-type": ["com.example.order.created"]}}). */
  public static final String TYPE = "event-type";

  /** Why a message was dead-lettered: a {@link DecodeFailure} name or {@code HANDLER_REJECTED}. */
  public static final String DLQ_REASON = "dlq-reason";
  /** The class of the exception that dead-lettered the message. */
  public static final String DLQ_ERROR_CLASS = "dlq-error-class";
  /** The exception message, truncated. */
  public static final String DLQ_ERROR_MESSAGE = "dlq-error-message";
  /** The URL of the queue the message was dead-lettered from. */
  public static final String DLQ_SOURCE_QUEUE = "dlq-source-queue";
  /** The receive count of the message when it was dead-lettered. */
  public static final String DLQ_ATTEMPTS = "dlq-attempts";
  /** When the message was dead-lettered (ISO-8601). */
  public static final String DLQ_FAILED_AT = "dlq-failed-at";
  /**
   * Comma-separated names of the original message attributes left off a dead-lettered message
   * because SQS allows at most 10 attributes per message; present only when some were dropped.
   */
  public static final String DLQ_DROPPED_ATTRIBUTES = "dlq-dropped-attributes";
  /** Prefix of all dead-letter attributes. */
  public static final String DLQ_PREFIX = "dlq-";

  private EventAttributes() {}
}
