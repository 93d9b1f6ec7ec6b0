package dev.evently.event;

import dev.evently.internal.Checks;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Encodes {@link Event}s as CloudEvents 1.0 in structured JSON mode and decodes them back, from a
 * raw SQS body or from an SNS notification envelope (a non-raw subscription).
 *
 * <p>Decoding only instantiates the records registered in {@link EventTypes} (no polymorphic
 * typing: a {@code @class} field is just an unknown field and is ignored), tolerates unknown
 * fields (producers may add fields), rejects missing record components, and refuses bodies larger
 * than {@link Builder#maxBytes(int)} before parsing them. Every failure is an {@link
 * EventDecodingException} with a distinct {@link DecodeFailure}.
 *
 * <p>Immutable and thread-safe.
 */
public final class EventCodec {
  /** The default decoding limit: SQS's maximum message size, 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  static final String SPEC_VERSION = "1.0";

  private final EventTypes types;
  private final int maxBytes;
  private final ObjectMapper mapper;

  private EventCodec(Builder b) {
    this.types = b.types;
    this.maxBytes = b.maxBytes;
    this.mapper = b.mapper != null ? b.mapper : defaultMapper();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A codec for {@code types} with the default limit and mapper. */
  public static EventCodec of(EventTypes types) {
    return builder().types(types).build();
  }

  /** The JSON mapper used for payloads: records, java.time, no default typing. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(MapperFeature.DEFAULT_VIEW_INCLUSION)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .build();
  }

  public EventTypes types() {
    return types;
  }

  public int maxBytes() {
    return maxBytes;
  }

  /**
   * The CloudEvents JSON of {@code event}.
   *
   * @throws IllegalArgumentException if the event's type is not registered or its data is not of
   *     the registered class
   */
  public String encode(Event<?> event) {
    Class<?> expected =
        types
            .classOf(event.type())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "event type '" + event.type() + "' is not registered (event " + event.id() + ")"));
    if (!expected.isInstance(event.data())) {
      throw new IllegalArgumentException(
          "event "
              + event.id()
              + " of type '"
              + event.type()
              + "' carries "
              + event.data().getClass().getName()
              + ", expected "
              + expected.getName());
    }
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("specversion", SPEC_VERSION);
      gen.writeStringField("id", event.id());
      gen.writeStringField("source", event.source());
      gen.writeStringField("type", event.type());
      gen.writeStringField("time", event.time().toString());
      writeIfPresent(gen, "subject", event.subject());
      gen.writeStringField("datacontenttype", "application/json");
      writeIfPresent(gen, "correlationid", event.correlationId());
      writeIfPresent(gen, "causationid", event.causationId());
      writeIfPresent(gen, "traceparent", event.traceparent());
      gen.writeFieldName("data");
      mapper.writeValue(gen, event.data());
      gen.writeEndObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("event " + event.id() + " cannot be serialized", e);
    }
    return out.toString();
  }

  /**
   * The event in {@code body}: a CloudEvent, or an SNS notification whose {@code Message} is one.
   *
   * @throws EventDecodingException when the body can never be decoded; its reason says why
   */
  public Event<?> decode(String body) throws EventDecodingException {
    if (body == null) {
      throw new EventDecodingException(DecodeFailure.NOT_JSON, "body is null", null, null, null);
    }
    if (isTooLarge(body)) {
      throw new EventDecodingException(
          DecodeFailure.TOO_LARGE,
          "body is " + body.getBytes(StandardCharsets.UTF_8).length + " bytes, limit " + maxBytes,
          null,
          null,
          null);
    }
    JsonNode node = parse(body, "body");
    if (isSnsNotification(node)) {
      node = parse(node.get("Message").asText(), "SNS notification Message");
    }
    return toEvent(node);
  }

  private boolean isTooLarge(String body) {
    if (body.length() > maxBytes) {
      return true;
    }
    if ((long) body.length() * 3 <= maxBytes) {
      return false;
    }
    return body.getBytes(StandardCharsets.UTF_8).length > maxBytes;
  }

  private JsonNode parse(String text, String what) throws EventDecodingException {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new EventDecodingException(DecodeFailure.NOT_JSON, what + " is empty", null, null, null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new EventDecodingException(
          DecodeFailure.NOT_JSON, what + " is not JSON: " + e.getOriginalMessage(), null, null, null);
    }
  }

  private static boolean isSnsNotification(JsonNode node) {
    return node.isObject()
        && "Notification".equals(node.path("Type").asText(null))
        && node.path("Message").isTextual()
        && !node.has("specversion");
  }

  private Event<?> toEvent(JsonNode node) throws EventDecodingException {
    if (!node.isObject()) {
      throw notCloudEvent("not a JSON object", null, null);
    }
    String id = text(node, "id");
    String type = text(node, "type");
    if (!SPEC_VERSION.equals(text(node, "specversion"))) {
      throw notCloudEvent("specversion must be \"1.0\"", id, type);
    }
    String source = text(node, "source");
    if (id == null || source == null || type == null) {
      throw notCloudEvent("id, source and type are required", id, type);
    }
    Instant time;
    String timeText = text(node, "time");
    try {
      time = timeText == null ? null : Instant.parse(timeText);
    } catch (DateTimeParseException e) {
      throw notCloudEvent("time is not an RFC 3339 timestamp", id, type);
    }
    if (time == null) {
      throw notCloudEvent("time is required", id, type);
    }
    Class<?> dataClass =
        types
            .classOf(type)
            .orElseThrow(
                () ->
                    new EventDecodingException(
                        DecodeFailure.UNKNOWN_TYPE, "type '" + type + "' is not registered", id, type, null));
    JsonNode dataNode = node.get("data");
    if (dataNode == null || dataNode.isNull()) {
      throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data is missing", id, type, null);
    }
    Object data;
    try {
      data = mapper.treeToValue(dataNode, dataClass);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new EventDecodingException(
          DecodeFailure.INVALID_DATA, "data does not fit " + type + ": " + describe(e), id, type, e);
    }
    if (data == null) {
      throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data is null", id, type, null);
    }
    return new Event<>(
        id,
        type,
        source,
        time,
        text(node, "subject"),
        text(node, "correlationid"),
        text(node, "causationid"),
        text(node, "traceparent"),
        data);
  }

  private static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg =
        e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (root != e && root.getMessage() != null) {
      msg = root.getMessage();
    }
    return msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
  }

  private static EventDecodingException notCloudEvent(String why, String id, String type) {
    return new EventDecodingException(DecodeFailure.NOT_CLOUDEVENT, why, id, type, null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static void writeIfPresent(JsonGenerator gen, String field, String value)
      throws IOException {
    if (value != null) {
      gen.writeStringField(field, value);
    }
  }

  /** Builder; {@link #types(EventTypes)} is required. */
  public static final class Builder {
    private EventTypes types;
    private int maxBytes = DEFAULT_MAX_BYTES;
    private ObjectMapper mapper;

    private Builder() {}

    public Builder types(EventTypes types) {
      this.types = Checks.notNull(types, "types");
      return this;
    }

    /** Bodies larger than this many UTF-8 bytes are refused before parsing. */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be > 0");
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * The mapper for payloads. It must not enable default typing; {@link #defaultMapper()} is a
     * good start.
     */
    public Builder mapper(ObjectMapper mapper) {
      this.mapper = Checks.notNull(mapper, "mapper");
      return this;
    }

    public EventCodec build() {
      if (types == null) {
        throw new IllegalArgumentException("types must be set");
      }
      return new EventCodec(this);
    }
  }
}
