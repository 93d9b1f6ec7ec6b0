package dev.evently.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SNS notification envelope (what a non-raw subscription delivers): its {@code Message}, its
 * {@code Timestamp} (null when absent or unreadable) and its String / Number {@code
 * MessageAttributes} by name.
 */
record SnsNotification(String message, Instant timestamp, Map<String, String> attributes) {

  /** Whether {@code node} is an SNS notification rather than a structured CloudEvent. */
  static boolean is(JsonNode node) {
    return node.isObject()
        && "Notification".equals(node.path("Type").asText(null))
        && node.path("Message").isTextual()
        && !node.has("specversion");
  }

  static SnsNotification of(JsonNode node) {
    Instant timestamp = null;
    if (node.path("Timestamp").isTextual()) {
      try {
        timestamp = Instant.parse(node.path("Timestamp").asText());
      } catch (DateTimeParseException e) {
        timestamp = null; // not SNS's own format: the caller falls back to the SQS sent time
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.path("MessageAttributes").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> attribute = fields.next();
      String type = attribute.getValue().path("Type").asText("");
      JsonNode value = attribute.getValue().path("Value");
      if ((type.equals("String") || type.startsWith("Number")) && value.isTextual()) {
        attributes.put(attribute.getKey(), value.asText());
      }
    }
    return new SnsNotification(node.get("Message").asText(), timestamp, Map.copyOf(attributes));
  }
}
