package dev.evently.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A domain event with its CloudEvents 1.0 metadata: what happened ({@code type}), where
 * ({@code source}), when ({@code time}), about what ({@code subject}, also the ordering key on
 * FIFO topics), and the typed payload ({@code data}, a Java record registered in {@link
 * EventTypes}).
 *
 * <p>Immutable and thread-safe. The {@code id} identifies the event, not the delivery: every
 * redelivery and duplicate of one event carries the same id, which is what idempotent consumers
 * key on.
 *
 * @param id unique event id (a random UUID by default)
 * @param type the registered type name, e.g. {@code OrderCreated}
 * @param source the producing service, a URI-reference such as {@code order-service}
 * @param time when the event happened, truncated to milliseconds
 * @param subject what the event is about (e.g. the order id); may be null
 * @param correlationId id shared by all events of one business flow; may be null
 * @param causationId id of the event (or command) that caused this one; may be null
 * @param traceparent W3C trace context of the producer; may be null
 * @param data the payload, never null
 * @param <T> the payload type
 */
public record Event<T>(
    String id,
    String type,
    String source,
    Instant time,
    String subject,
    String correlationId,
    String causationId,
    String traceparent,
    T data) {

  public Event {
    requireText(id, "id");
    requireText(type, "type");
    requireText(source, "source");
    Objects.requireNonNull(time, "time must not be null");
    Objects.requireNonNull(data, "data must not be null");
  }

  /** A new event with a random id, the current time and no subject or correlation. */
  public static <T> Event<T> of(String type, String source, T data) {
    return new Event<>(
        UUID.randomUUID().toString(),
        type,
        source,
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        null,
        null,
        null,
        null,
        data);
  }

  public Event<T> withId(String newId) {
    return new Event<>(newId, type, source, time, subject, correlationId, causationId, traceparent, data);
  }

  public Event<T> withSubject(String newSubject) {
    return new Event<>(id, type, source, time, newSubject, correlationId, causationId, traceparent, data);
  }

  public Event<T> withCorrelationId(String newCorrelationId) {
    return new Event<>(id, type, source, time, subject, newCorrelationId, causationId, traceparent, data);
  }

  public Event<T> withTraceparent(String newTraceparent) {
    return new Event<>(id, type, source, time, subject, correlationId, causationId, newTraceparent, data);
  }

  /**
   * This event as caused by {@code cause}: causation id = the cause's id, correlation id = the
   * cause's correlation id (or its id when it has none), trace context carried over.
   */
  public Event<T> causedBy(Event<?> cause) {
    String correlation = cause.correlationId() != null ? cause.correlationId() : cause.id();
    String trace = traceparent != null ? traceparent : cause.traceparent();
    return new Event<>(id, type, source, time, subject, correlation, cause.id(), trace, data);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
