package dev.evently.payload.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.payload.PayloadException;
import dev.evently.payload.PayloadFailure;
import dev.evently.payload.PayloadLocation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pointer of a large event, as pure functions: writing ours, recognising ours and the AWS
 * extended clients' in a received message (raw or inside an SNS notification), and every check
 * before and after the fetch. No I/O; stateless and thread-safe. Errors name the field, never a
 * value from the message or the object.
 *
 * <p>Ours is a structured CloudEvent without {@code data} carrying the CloudEvents {@code dataref}
 * extension ({@code s3://bucket/key}) and two of our own: {@code payloadsize} (bytes of the stored
 * body) and {@code payloadsha256} (its SHA-256, lower-case hex). Every other attribute of the
 * event ({@code id}, {@code type}, {@code subject}, extensions, {@code traceparent}) is kept. The
 * extended clients' is the JSON array {@code ["software.amazon.payloadoffloading.PayloadS3Pointer",
 * {"s3BucketName": ..., "s3Key": ...}]} with the size in the message attribute {@code
 * ExtendedPayloadSize} (older versions: {@code SQSLargePayloadSize}); it has no digest.
 */
public final class Pointers {
  public static final String DATAREF = "dataref";
  public static final String SIZE = "payloadsize";
  public static final String SHA256 = "payloadsha256";
  public static final String EXTENDED_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";
  public static final String EXTENDED_SIZE = "ExtendedPayloadSize";
  public static final String LEGACY_EXTENDED_SIZE = "SQSLargePayloadSize";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Pointers() {}

  /** Who wrote a pointer. */
  public enum Format { EVENTLY, EXTENDED_CLIENT }

  /**
   * A pointer read from a message.
   *
   * @param size the stored body's size in bytes, or -1 when the pointer does not say
   * @param sha256 lower-case hex, or null (extended clients)
   * @param eventId the event's id (ours), or null
   * @param type the event's type (ours), or null
   */
  public record Pointer(Format format, PayloadLocation location, long size, String sha256, String eventId, String type) {
    String sizeField() {
      return format == Format.EVENTLY ? SIZE : EXTENDED_SIZE;
    }
  }

  /** What a received message is. */
  public sealed interface Detected permits NotAPointer, Found, Invalid {}

  /** An ordinary message: decode it as it is. */
  public record NotAPointer() implements Detected {
    public static final NotAPointer INSTANCE = new NotAPointer();
  }

  /**
   * A pointer; decode the fetched body with {@code attributes} (the SQS message's and, when wrapped,
   * the SNS notification's) and {@code deliveredAt} (the notification's Timestamp, or null).
   */
  public record Found(Pointer pointer, Map<String, String> attributes, Instant deliveredAt) implements Detected {}

  /** A pointer that cannot be followed. */
  public record Invalid(PayloadException error) implements Detected {}

  /**
   * Recognises a pointer in a received message: ours or the extended clients', raw or inside an
   * SNS notification. Anything else (not JSON included: the codec says why) is {@link NotAPointer}.
   * Bodies that mention neither {@code dataref} nor the extended clients' class are not parsed.
   */
  public static Detected detect(String body, Map<String, String> attributes) {
    if (body == null || (!body.contains(DATAREF) && !body.contains("PayloadS3Pointer"))) {
      return NotAPointer.INSTANCE;
    }
    JsonNode node = parse(body);
    Map<String, String> attrs = attributes == null ? Map.of() : attributes;
    Instant deliveredAt = null;
    if (node != null && isNotification(node)) {
      Map<String, String> merged = new LinkedHashMap<>(attrs);
      merged.putAll(notificationAttributes(node));
      attrs = merged;
      deliveredAt = timestamp(node);
      node = parse(node.get("Message").asText());
    }
    if (node == null) {
      return NotAPointer.INSTANCE;
    }
    try {
      if (node.isArray() && node.size() == 2 && EXTENDED_CLASS.equals(node.get(0).asText(null))) {
        return new Found(extended(node.get(1), attrs), Map.copyOf(attrs), deliveredAt);
      }
      if (node.isObject() && node.has("specversion") && node.has(DATAREF)
          && !node.has("data") && !node.has("data_base64")) {
        return new Found(ours(node), Map.copyOf(attrs), deliveredAt);
      }
    } catch (PayloadException e) {
      return new Invalid(e);
    }
    return NotAPointer.INSTANCE;
  }

  /**
   * Checks before any fetch: the bucket must be one of {@code buckets}, the size at most {@code
   * maxBytes}. Null when the pointer may be followed.
   */
  public static PayloadException beforeFetch(Pointer p, Set<String> buckets, int maxBytes) {
    if (!buckets.contains(p.location().bucket())) {
      return new PayloadException(PayloadFailure.FOREIGN_BUCKET,
          "dataref: the bucket is not one of the consumer's payload buckets; the object was not read", null);
    }
    if (p.size() > maxBytes) {
      return new PayloadException(PayloadFailure.TOO_LARGE,
          p.sizeField() + ": over the codec's limit of " + maxBytes + " bytes; the object was not read", null);
    }
    return null;
  }

  /**
   * Checks the fetched object ({@code bytes}, at most {@code maxBytes + 1} of it) against the
   * pointer: size, then SHA-256. Null when it is the payload the pointer names.
   */
  public static PayloadException afterFetch(Pointer p, byte[] bytes, int maxBytes) {
    if (p.size() >= 0 && bytes.length != p.size()) {
      return new PayloadException(PayloadFailure.SIZE_MISMATCH,
          p.sizeField() + ": the object's size differs from the pointer's", null);
    }
    if (bytes.length > maxBytes) {
      return new PayloadException(PayloadFailure.TOO_LARGE, "the object is over the codec's limit of " + maxBytes + " bytes", null);
    }
    if (p.sha256() != null && !p.sha256().equals(sha256Hex(bytes))) {
      return new PayloadException(PayloadFailure.SHA256_MISMATCH,
          SHA256 + ": the object's SHA-256 differs from the pointer's", null);
    }
    return null;
  }

  /** Our pointer names the event it was written for: null when {@code id} and {@code type} match. */
  public static PayloadException sameEvent(Pointer p, String id, String type) {
    if (p.format() != Format.EVENTLY || (p.eventId().equals(id) && p.type().equals(type))) {
      return null;
    }
    return new PayloadException(PayloadFailure.EVENT_MISMATCH,
        (p.eventId().equals(id) ? "type" : "id") + ": the object holds another event than the pointer names", null);
  }

  /**
   * Our pointer for a structured CloudEvent {@code body} stored at {@code location}: the same
   * attributes, without {@code data}/{@code data_base64}, with {@code dataref}, {@code
   * payloadsize} and {@code payloadsha256}.
   *
   * @throws IllegalArgumentException when {@code body} is not a structured CloudEvent (JSON object
   *     with {@code specversion})
   */
  public static String pointerBody(String body, PayloadLocation location, long size, String sha256Hex) {
    JsonNode node = parse(body);
    if (!(node instanceof ObjectNode event) || !node.has("specversion")) {
      throw new IllegalArgumentException("body: only a structured CloudEvent (a JSON object with specversion) can be offloaded");
    }
    event.remove("data");
    event.remove("data_base64");
    event.put(DATAREF, location.uri());
    event.put(SIZE, size);
    event.put(SHA256, sha256Hex);
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("pointer cannot be written", e);
    }
  }

  /** The SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** UTF-8 bytes of {@code text}. */
  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Pointer ours(JsonNode node) throws PayloadException {
    PayloadLocation location =
        PayloadLocation.parse(node.get(DATAREF).asText(null))
            .orElseThrow(() -> invalid(DATAREF + ": not an s3://bucket/key reference"));
    JsonNode size = node.get(SIZE);
    if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
      throw invalid(SIZE + ": missing or not a non-negative integer");
    }
    JsonNode sha = node.get(SHA256);
    if (sha == null || !sha.isTextual() || !SHA256_HEX.matcher(sha.asText()).matches()) {
      throw invalid(SHA256 + ": missing or not 64 lower-case hex digits");
    }
    String id = node.path("id").asText(null);
    String type = node.path("type").asText(null);
    if (id == null || type == null) {
      throw invalid((id == null ? "id" : "type") + ": missing on the pointer");
    }
    return new Pointer(Format.EVENTLY, location, size.asLong(), sha.asText(), id, type);
  }

  private static Pointer extended(JsonNode ref, Map<String, String> attributes) throws PayloadException {
    String bucket = ref.path("s3BucketName").asText("");
    String key = ref.path("s3Key").asText("");
    if (bucket.isBlank() || bucket.contains("/") || key.isEmpty()) {
      throw invalid("s3BucketName/s3Key: missing or malformed in the extended client's pointer");
    }
    String sizeText = attributes.getOrDefault(EXTENDED_SIZE, attributes.get(LEGACY_EXTENDED_SIZE));
    long size = -1;
    if (sizeText != null) {
      try {
        size = Long.parseLong(sizeText.trim());
      } catch (NumberFormatException e) {
        size = -2;
      }
      if (size < 0) {
        throw invalid(EXTENDED_SIZE + ": not a non-negative integer");
      }
    }
    return new Pointer(Format.EXTENDED_CLIENT, new PayloadLocation(bucket, key), size, null, null, null);
  }

  private static PayloadException invalid(String why) {
    return new PayloadException(PayloadFailure.INVALID_POINTER, why, null);
  }

  private static JsonNode parse(String text) {
    try {
      return text == null || text.isBlank() ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static boolean isNotification(JsonNode node) {
    return node.isObject() && "Notification".equals(node.path("Type").asText(null))
        && node.path("Message").isTextual() && !node.has("specversion");
  }

  private static Instant timestamp(JsonNode node) {
    try {
      return node.path("Timestamp").isTextual() ? Instant.parse(node.path("Timestamp").asText()) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Map<String, String> notificationAttributes(JsonNode node) {
    Map<String, String> attributes = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.path("MessageAttributes").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> a = fields.next();
      String type = a.getValue().path("Type").asText("");
      JsonNode value = a.getValue().path("Value");
      if ((type.equals("String") || type.startsWith("Number")) && value.isTextual()) {
        attributes.put(a.getKey(), value.asText());
      }
    }
    return attributes;
  }
}
