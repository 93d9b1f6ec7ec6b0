package dev.evently.event;

import static dev.evently.event.CloudEventNames.CAUSATIONID;
import static dev.evently.event.CloudEventNames.CORRELATIONID;
import static dev.evently.event.CloudEventNames.DATA;
import static dev.evently.event.CloudEventNames.DATACONTENTTYPE;
import static dev.evently.event.CloudEventNames.DATASCHEMA;
import static dev.evently.event.CloudEventNames.DATA_BASE64;
import static dev.evently.event.CloudEventNames.ID;
import static dev.evently.event.CloudEventNames.SOURCE;
import static dev.evently.event.CloudEventNames.SPECVERSION;
import static dev.evently.event.CloudEventNames.SUBJECT;
import static dev.evently.event.CloudEventNames.TIME;
import static dev.evently.event.CloudEventNames.TRACEPARENT;
import static dev.evently.event.CloudEventNames.TYPE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a parsed message into an {@link Event}: a structured-mode CloudEvent (every attribute and
 * the data in the JSON body) or a binary-mode one (attributes as {@code ce_*} / {@code ce-*}
 * message attributes, the body is the data). Every refusal names the attribute or path at fault,
 * never its value.
 */
final class CloudEventReader {
  private static final List<String> BINARY_PREFIXES = List.of("ce_", "ce-");
  private static final String CONTENT_TYPE = "content-type";

  private final EventTypes types;
  private final ObjectMapper mapper;
  private final DataBinder binder;

  CloudEventReader(EventTypes types, ObjectMapper mapper) {
    this.types = types;
    this.mapper = mapper;
    this.binder = new DataBinder(mapper);
  }

  /**
   * The event in {@code content}.
   *
   * @param transport the message attributes (String and Number values) of the SQS message or of
   *     the SNS notification
   * @param deliveredAt the event's time when it has none
   */
  DecodedEvent read(JsonNode content, Map<String, String> transport, Instant deliveredAt)
      throws EventDecodingException {
    boolean structured = content.isObject() && content.has(SPECVERSION);
    Map<String, String> binary = structured ? Map.of() : binaryAttributes(transport);
    Attributes attributes;
    if (binary.containsKey(SPECVERSION)) {
      attributes = new Attributes(new LinkedHashMap<String, Object>(binary), content, null);
    } else if (content.isObject() && structured) {
      attributes = structuredAttributes(content);
    } else if (content.isObject()) {
      throw new EventDecodingException(
          DecodeFailure.NOT_CLOUDEVENT,
          "specversion is missing (neither in the body nor as a ce_specversion message attribute)",
          lenient(content.get(ID)),
          lenient(content.get(TYPE)),
          null);
    } else {
      throw new EventDecodingException(
          DecodeFailure.NOT_CLOUDEVENT, "not a JSON object, and no ce_specversion message attribute", null, null, null);
    }
    return toEvent(attributes, deliveredAt);
  }

  /** The attributes and data of a structured-mode event, its members' names and types checked. */
  private static Attributes structuredAttributes(JsonNode node) throws EventDecodingException {
    Map<String, Object> values = new LinkedHashMap<>();
    String id = lenient(node.get(ID));
    String type = lenient(node.get(TYPE));
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals(DATA) || name.equals(DATA_BASE64) || value.isNull()) {
        continue; // the data, or an attribute given as null: absent
      }
      checkName(name, id, type);
      if (CloudEventNames.RESERVED.contains(name) && !value.isTextual()) {
        throw notCloudEvent(name + ": expected a string", id, type);
      }
      if (value.isTextual()) {
        values.put(name, value.asText());
      } else if (value.isBoolean()) {
        values.put(name, value.booleanValue());
      } else if (value.isIntegralNumber() && value.canConvertToInt()) {
        values.put(name, value.intValue());
      } else {
        throw notCloudEvent(CloudEventNames.shown(name) + ": expected a string, boolean or integer", id, type);
      }
    }
    JsonNode data = node.get(DATA);
    JsonNode base64 = node.get(DATA_BASE64);
    data = data == null || data.isNull() ? null : data;
    base64 = base64 == null || base64.isNull() ? null : base64;
    if (data != null && base64 != null) {
      throw notCloudEvent("data and data_base64 are mutually exclusive", id, type);
    }
    return new Attributes(values, data, base64);
  }

  /**
   * The CloudEvents attributes among message attributes: {@code ce_NAME} or {@code ce-NAME} (prefix
   * in any case, name lower-cased), and {@code content-type} as {@code datacontenttype}.
   */
  private static Map<String, String> binaryAttributes(Map<String, String> transport) throws EventDecodingException {
    Map<String, String> found = new TreeMap<>();
    for (Map.Entry<String, String> attribute : transport.entrySet()) {
      String key = attribute.getKey().toLowerCase(Locale.ROOT);
      String name = null;
      for (String prefix : BINARY_PREFIXES) {
        if (key.startsWith(prefix)) {
          name = key.substring(prefix.length());
        }
      }
      if (name == null || attribute.getValue() == null) {
        continue;
      }
      checkName(name, null, null);
      if (found.put(name, attribute.getValue()) != null) {
        throw notCloudEvent("attribute " + CloudEventNames.shown(name) + " is given twice (ce_ and ce-)", null, null);
      }
    }
    if (!found.isEmpty() && !found.containsKey(DATACONTENTTYPE)) {
      transport.entrySet().stream()
          .filter(a -> a.getKey().equalsIgnoreCase(CONTENT_TYPE) && a.getValue() != null)
          .findFirst()
          .ifPresent(a -> found.put(DATACONTENTTYPE, a.getValue()));
    }
    return found;
  }

  private DecodedEvent toEvent(Attributes a, Instant deliveredAt) throws EventDecodingException {
    String id = lenient(a.values().get(ID));
    String type = lenient(a.values().get(TYPE));
    String specversion = a.string(SPECVERSION, id, type);
    if (specversion == null) {
      throw notCloudEvent("specversion is missing", id, type);
    }
    if (!CloudEventNames.SPEC_VERSION.equals(specversion)) {
      throw notCloudEvent("specversion: expected \"1.0\"", id, type);
    }
    String source = a.string(SOURCE, id, type);
    List<String> missing = new ArrayList<>();
    for (String required : List.of(ID, SOURCE, TYPE)) {
      if (a.string(required, id, type) == null) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw notCloudEvent("required attribute missing or empty: " + String.join(", ", missing), id, type);
    }
    String timeText = a.string(TIME, id, type);
    Instant time = timeText == null ? deliveredAt : parseTime(timeText, id, type);
    String dataSchema = a.string(DATASCHEMA, id, type);
    if (dataSchema != null && !CloudEventNames.isUri(dataSchema)) {
      throw notCloudEvent("dataschema: expected a URI", id, type);
    }
    String contentType = a.string(DATACONTENTTYPE, id, type);
    String subject = a.string(SUBJECT, id, type);
    String correlationId = a.string(CORRELATIONID, id, type);
    String causationId = a.string(CAUSATIONID, id, type);
    String traceparent = a.string(TRACEPARENT, id, type);
    Map<String, Object> extensions = new TreeMap<>(a.values());
    extensions.keySet().removeAll(CloudEventNames.RESERVED);

    Class<?> dataClass =
        types.classOf(type).orElseThrow(
            () -> new EventDecodingException(DecodeFailure.UNKNOWN_TYPE, "type is not registered", id, type, null));
    if (contentType != null && !CloudEventNames.isJson(contentType)) {
      throw new EventDecodingException(
          DecodeFailure.INVALID_DATA,
          "datacontenttype: expected a JSON media type (application/json, text/json or */*+json)",
          id,
          type,
          null);
    }
    Object data = binder.bind(dataNode(a, id, type), dataClass, type, id);
    try {
      Event<?> event = new Event<>(id, type, source, time, subject, correlationId, causationId, traceparent,
          contentType, dataSchema, extensions, data);
      return new DecodedEvent(event, timeText == null);
    } catch (IllegalArgumentException e) { // our own messages: they name the field, never the value
      throw notCloudEvent(e.getMessage(), id, type);
    }
  }

  private JsonNode dataNode(Attributes a, String id, String type) throws EventDecodingException {
    if (a.base64() == null) {
      if (a.data() == null) {
        throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data is missing", id, type, null);
      }
      return a.data();
    }
    if (!a.base64().isTextual()) {
      throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data_base64: expected a base64 string", id, type, null);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(a.base64().asText());
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data_base64: expected base64 (RFC 4648)", id, type, null);
    }
    try {
      JsonNode node = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(bytes);
      if (node == null || node.isMissingNode()) {
        throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data_base64 is empty", id, type, null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new EventDecodingException(
          DecodeFailure.INVALID_DATA, "data_base64: expected base64-encoded JSON" + where(e), id, type, null);
    } catch (java.io.IOException e) {
      throw new EventDecodingException(DecodeFailure.INVALID_DATA, "data_base64 cannot be read", id, type, null);
    }
  }

  /** " (line L, column C)" of a parse error, or nothing: never the text around it. */
  static String where(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static Instant parseTime(String text, String id, String type) throws EventDecodingException {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw notCloudEvent("time: expected an RFC 3339 timestamp", id, type);
    }
  }

  private static void checkName(String name, String id, String type) throws EventDecodingException {
    if (!CloudEventNames.isValidName(name)) {
      throw notCloudEvent(
          "attribute name " + CloudEventNames.shown(name) + " is not valid: CloudEvents names are lower-case a-z and 0-9",
          id,
          type);
    }
  }

  private static String lenient(Object value) {
    Object v = value instanceof JsonNode node ? (node.isTextual() ? node.asText() : null) : value;
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  private static EventDecodingException notCloudEvent(String why, String id, String type) {
    return new EventDecodingException(DecodeFailure.NOT_CLOUDEVENT, why, id, type, null);
  }

  /** Context attributes by name (String, Boolean or Integer values), and the data as given. */
  private record Attributes(Map<String, Object> values, JsonNode data, JsonNode base64) {
    /** The attribute {@code name} if it is a non-blank string, null if absent or blank. */
    String string(String name, String id, String type) throws EventDecodingException {
      Object value = values.get(name);
      if (value == null) {
        return null;
      }
      if (!(value instanceof String text)) {
        throw notCloudEvent(name + ": expected a string", id, type);
      }
      return text.isBlank() ? null : text;
    }
  }
}
