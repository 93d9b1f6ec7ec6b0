package dev.evently.event;

import dev.evently.internal.Checks;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes {@link Event}s as CloudEvents 1.0 in structured JSON mode and decodes CloudEvents 1.0
 * back: structured mode (the whole event in the JSON body), raw or wrapped in an SNS
 * notification (a non-raw subscription), and binary mode (the context attributes as {@code ce_*}
 * or {@code ce-*} message attributes, the JSON data in the body). See {@code docs/INTEROP.md}.
 *
 * <p>Decoding only instantiates the records registered in {@link EventTypes} (no polymorphic
 * typing: a {@code @class} field is just an unknown field and is ignored), tolerates unknown
 * fields in the data (producers may add fields), rejects missing record components, and refuses
 * bodies larger than {@link Builder#maxBytes(int)} before parsing them. Data may be a JSON value
 * ({@code data}) or base64-encoded JSON ({@code data_base64}); {@code datacontenttype}, when
 * given, must be a JSON media type. {@code time} is optional (see {@link DecodedEvent}).
 * {@code datacontenttype}, {@code dataschema} and every extension attribute are kept on the
 * {@link Event} and encoded again. Every failure is an {@link EventDecodingException} with a
 * distinct {@link DecodeFailure} whose message names the attribute or JSON path at fault and what
 * was expected, never a value from the message.
 *
 * <p>Immutable and thread-safe.
 */
public final class EventCodec {
  /** The default decoding limit: SQS's maximum message size, 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  static final String SPEC_VERSION = CloudEventNames.SPEC_VERSION;

  private final EventTypes types;
  private final int maxBytes;
  private final ObjectMapper mapper;
  private final ObjectReader trees;
  private final CloudEventReader reader;

  private EventCodec(Builder b) {
    this.types = b.types;
    this.maxBytes = b.maxBytes;
    this.mapper = b.mapper != null ? b.mapper : defaultMapper();
    this.trees = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.reader = new CloudEventReader(types, mapper);
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
   * The CloudEvents JSON (structured mode) of {@code event}, with every attribute it carries:
   * {@code datacontenttype} ({@code application/json} unless the event says otherwise), {@code
   * dataschema}, correlation, causation, trace context and the other extensions.
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
      gen.writeStringField("datacontenttype", event.dataContentType());
      writeIfPresent(gen, "dataschema", event.dataSchema());
      writeIfPresent(gen, "correlationid", event.correlationId());
      writeIfPresent(gen, "causationid", event.causationId());
      writeIfPresent(gen, "traceparent", event.traceparent());
      for (Map.Entry<String, Object> extension : event.extensions().entrySet()) {
        gen.writeFieldName(extension.getKey());
        if (extension.getValue() instanceof Integer n) {
          gen.writeNumber(n);
        } else if (extension.getValue() instanceof Boolean b) {
          gen.writeBoolean(b);
        } else {
          gen.writeString((String) extension.getValue());
        }
      }
      gen.writeFieldName("data");
      mapper.writeValue(gen, event.data());
      gen.writeEndObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("event " + event.id() + " cannot be serialized", e);
    }
    return out.toString();
  }

  /**
   * The event in {@code body}: a structured CloudEvent, or an SNS notification whose {@code
   * Message} is one (or whose message attributes and {@code Message} are a binary-mode one). An
   * event without {@code time} gets the notification's {@code Timestamp}, else the time of
   * decoding; use {@link #decode(String, Map, Instant)} to know.
   *
   * @throws EventDecodingException when the body can never be decoded; its reason says why
   */
  public Event<?> decode(String body) throws EventDecodingException {
    return decode(body, Map.of(), null).event();
  }

  /**
   * The event in an SQS message: a structured CloudEvent in the body, or a binary-mode one (context
   * attributes as {@code ce_*} / {@code ce-*} message attributes, the JSON data in the body),
   * either raw or wrapped in an SNS notification (whose own {@code MessageAttributes} then count
   * as message attributes).
   *
   * <p>The event's time is its {@code time} attribute; when it has none (it is optional), the SNS
   * notification's {@code Timestamp}, else {@code sentTime}, else the time of decoding, and {@link
   * DecodedEvent#timeDerived()} is true.
   *
   * @param body the message body
   * @param messageAttributes the String and Number message attributes by name (their string
   *     values); null or empty when there are none
   * @param sentTime the SQS message's {@code SentTimestamp}, or null when unknown
   * @throws EventDecodingException when the message can never be decoded; its reason says why
   */
  public DecodedEvent decode(String body, Map<String, String> messageAttributes, Instant sentTime)
      throws EventDecodingException {
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
    Map<String, String> attributes = messageAttributes == null ? Map.of() : messageAttributes;
    Instant deliveredAt = sentTime;
    JsonNode node = parse(body, "body");
    if (SnsNotification.is(node)) {
      SnsNotification notification = SnsNotification.of(node);
      if (!notification.attributes().isEmpty()) {
        Map<String, String> merged = new LinkedHashMap<>(attributes);
        merged.putAll(notification.attributes());
        attributes = merged;
      }
      if (notification.timestamp() != null) {
        deliveredAt = notification.timestamp();
      }
      node = parse(notification.message(), "SNS notification Message");
    }
    return reader.read(node, attributes, deliveredAt != null ? deliveredAt : Instant.now());
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
      JsonNode node = text.isBlank() ? null : trees.readValue(text);
      if (node == null || node.isMissingNode()) {
        throw new EventDecodingException(DecodeFailure.NOT_JSON, what + " is empty", null, null, null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new EventDecodingException(
          DecodeFailure.NOT_JSON, what + " is not JSON" + CloudEventReader.where(e), null, null, null);
    }
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
