package dev.evently.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.event.EventAttributes;
import dev.evently.publish.EncodedMessage;
import java.time.Instant;
import java.util.Map;

/**
 * A pending outbox row as the relay claimed it: what to publish and the bookkeeping around it.
 * {@link #message()} rebuilds the stored message without decoding the event.
 */
record OutboxRow(
    long id,
    String eventId,
    String topic,
    String key,
    String type,
    String payload,
    int attempts,
    Instant createdAt,
    int format,
    String attributesJson,
    String groupId,
    String dedupId) {

  /** Rows written before the stored message (migration V4): only the payload and the columns. */
  static final int FORMAT_PAYLOAD_ONLY = 1;
  /** Rows that hold the whole message: payload, attributes, FIFO ids, sent as stored. */
  static final int FORMAT_STORED_MESSAGE = 2;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};

  /**
   * The message to publish. A row of format 2 is sent as stored; a row of format 1 (written by an
   * older version) gets what that version's publisher sent: the type attribute, and on FIFO topics
   * its subject (its event id without one) as group id and its event id as deduplication id.
   *
   * @throws IllegalArgumentException when the stored attributes are not a JSON object of strings
   *     or the row breaks a rule of {@link EncodedMessage} (never retried with success: parked)
   */
  EncodedMessage message() {
    if (format == FORMAT_PAYLOAD_ONLY) {
      return new EncodedMessage(
          eventId, type, payload, Map.of(EventAttributes.TYPE, type), key != null ? key : eventId, eventId);
    }
    return new EncodedMessage(eventId, type, payload, attributes(attributesJson), groupId, dedupId);
  }

  static String attributesJson(Map<String, String> attributes) {
    try {
      return JSON.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("message attributes cannot be written as JSON", e);
    }
  }

  private static Map<String, String> attributes(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      Map<String, String> attributes = JSON.readValue(json, ATTRIBUTES);
      return attributes != null ? attributes : Map.of();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the row's message_attributes are not a JSON object of strings");
    }
  }
}
