package dev.evently.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A domain event with its CloudEvents 1.0 context attributes: what happened ({@code type}), where
 * ({@code source}), when ({@code time}), about what ({@code subject}, also the ordering key on
 * FIFO topics), how its data is described ({@code datacontenttype}, {@code dataschema}), the
 * flow it belongs to ({@code correlationid}, {@code causationid}, {@code traceparent}), any other
 * extension attributes, and the typed payload ({@code data}, a Java record registered in {@link
 * EventTypes}).
 *
 * <p>Immutable and thread-safe. The {@code id} identifies the event, not the delivery: every
 * redelivery and duplicate of one event carries the same id, which is what idempotent consumers
 * key on. {@link EventCodec} re-emits every attribute it decoded, so republishing a received
 * event keeps its extensions.
 *
 * @param id unique event id (a random UUID by default)
 * @param type the registered type name, e.g. {@code com.example.order.created}
 * @param source the producing service, a URI-reference such as {@code order-service}
 * @param time when the event happened ({@link #of} truncates to milliseconds); when a received
 *     event had no {@code time}, the time the messaging system gives (see {@link DecodedEvent})
 * @param subject what the event is about (e.g. the order id); may be null
 * @param correlationId id shared by all events of one business flow; may be null
 * @param causationId id of the event (or command) that caused this one; may be null
 * @param traceparent W3C trace context of the producer; may be null
 * @param dataContentType the media type of {@code data}: a JSON type ({@code application/json},
 *     {@code text/json} or {@code +json}), {@code application/json} when null is given
 * @param dataSchema URI of the schema {@code data} adheres to; may be null
 * @param extensions the other CloudEvents extension attributes, by name (lower-case a-z and 0-9;
 *     not one of the attributes above); values are {@link String}, {@link Boolean} or {@link
 *     Integer}; null is empty; kept sorted by name
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
    String dataContentType,
    String dataSchema,
    Map<String, Object> extensions,
    T data) {

  /**
   * Validates every component.
   *
   * @throws IllegalArgumentException naming the component at fault (never its value)
   */
  public Event {
    requireText(id, "id");
    requireText(type, "type");
    requireText(source, "source");
    Objects.requireNonNull(time, "time must not be null");
    Objects.requireNonNull(data, "data must not be null");
    dataContentType = dataContentType == null ? CloudEventNames.JSON : dataContentType;
    if (!CloudEventNames.isJson(dataContentType)) {
      throw new IllegalArgumentException(
          "dataContentType must be a JSON media type (application/json, text/json or */*+json)");
    }
    if (dataSchema != null && !CloudEventNames.isUri(dataSchema)) {
      throw new IllegalArgumentException("dataSchema must be a URI");
    }
    extensions = checkedExtensions(extensions);
  }

  /** An event without {@code datacontenttype} (JSON), {@code dataschema} or other extensions. */
  public Event(
      String id,
      String type,
      String source,
      Instant time,
      String subject,
      String correlationId,
      String causationId,
      String traceparent,
      T data) {
    this(id, type, source, time, subject, correlationId, causationId, traceparent, null, null, null, data);
  }

  /** A new event with a random id, the current time and no subject, correlation or extensions. */
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

  /** The extension attribute {@code name}: a String, Boolean or Integer, if present. */
  public Optional<Object> extension(String name) {
    return Optional.ofNullable(extensions.get(name));
  }

  public Event<T> withId(String newId) {
    return new Event<>(newId, type, source, time, subject, correlationId, causationId, traceparent,
        dataContentType, dataSchema, extensions, data);
  }

  public Event<T> withTime(Instant newTime) {
    return new Event<>(id, type, source, newTime, subject, correlationId, causationId, traceparent,
        dataContentType, dataSchema, extensions, data);
  }

  public Event<T> withSubject(String newSubject) {
    return new Event<>(id, type, source, time, newSubject, correlationId, causationId, traceparent,
        dataContentType, dataSchema, extensions, data);
  }

  public Event<T> withCorrelationId(String newCorrelationId) {
    return new Event<>(id, type, source, time, subject, newCorrelationId, causationId, traceparent,
        dataContentType, dataSchema, extensions, data);
  }

  /** This event with {@code causationId} (the id of the event or command that caused it); null clears it. */
  public Event<T> withCausationId(String newCausationId) {
    return new Event<>(id, type, source, time, subject, correlationId, newCausationId, traceparent,
        dataContentType, dataSchema, extensions, data);
  }

  public Event<T> withTraceparent(String newTraceparent) {
    return new Event<>(id, type, source, time, subject, correlationId, causationId, newTraceparent,
        dataContentType, dataSchema, extensions, data);
  }

  /** This event with another JSON media type; null means {@code application/json}. */
  public Event<T> withDataContentType(String newDataContentType) {
    return new Event<>(id, type, source, time, subject, correlationId, causationId, traceparent,
        newDataContentType, dataSchema, extensions, data);
  }

  public Event<T> withDataSchema(String newDataSchema) {
    return new Event<>(id, type, source, time, subject, correlationId, causationId, traceparent,
        dataContentType, newDataSchema, extensions, data);
  }

  /**
   * This event with the extension attribute {@code name} set to {@code value} (String, Boolean or
   * Integer), or removed when {@code value} is null.
   *
   * @throws IllegalArgumentException if the name breaks the CloudEvents naming rules, is one of
   *     the attributes with a component of their own, or the value has another type
   */
  public Event<T> withExtension(String name, Object value) {
    Map<String, Object> next = new TreeMap<>(extensions);
    if (value == null) {
      next.remove(name);
    } else {
      next.put(name, value);
    }
    return new Event<>(id, type, source, time, subject, correlationId, causationId, traceparent,
        dataContentType, dataSchema, next, data);
  }

  /**
   * This event as caused by {@code cause}: causation id = the cause's id, correlation id = the
   * cause's correlation id (or its id when it has none), trace context carried over (unless this
   * event has its own).
   */
  public Event<T> causedBy(Event<?> cause) {
    String correlation = cause.correlationId() != null ? cause.correlationId() : cause.id();
    String trace = traceparent != null ? traceparent : cause.traceparent();
    return new Event<>(id, type, source, time, subject, correlation, cause.id(), trace,
        dataContentType, dataSchema, extensions, data);
  }

  private static Map<String, Object> checkedExtensions(Map<String, Object> extensions) {
    if (extensions == null || extensions.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, Object> copy = new TreeMap<>();
    extensions.forEach(
        (name, value) -> {
          if (!CloudEventNames.isValidName(name)) {
            throw new IllegalArgumentException(
                "extension names must consist of lower-case letters a-z and digits 0-9");
          }
          if (CloudEventNames.RESERVED.contains(name)) {
            throw new IllegalArgumentException(
                "extension " + name + " has a component of its own: use that component");
          }
          if (!(value instanceof String || value instanceof Boolean || value instanceof Integer)) {
            throw new IllegalArgumentException(
                "extension " + name + " must be a String, Boolean or Integer");
          }
          copy.put(name, value);
        });
    return Collections.unmodifiableMap(copy);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
