package dev.evently.topology.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.event.EventAttributes;
import dev.evently.topology.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A message in a dead-letter queue, with why it is there. A consumer that dead-letters a poison
 * message itself adds the {@code dlq-*} attributes; a message moved by the queue's redrive policy
 * has none, and its reason is {@link #MAX_RECEIVES_EXCEEDED}.
 *
 * @param messageId the DLQ message's id
 * @param body the body as received
 * @param eventType the {@code event-type} attribute, else the CloudEvent {@code type} of the body
 *     (inside an SNS envelope if there is one)
 * @param reason {@code dlq-reason}, or {@link #MAX_RECEIVES_EXCEEDED}
 * @param errorClass {@code dlq-error-class}
 * @param errorMessage {@code dlq-error-message}
 * @param sourceQueueUrl {@code dlq-source-queue}
 * @param attempts {@code dlq-attempts}
 * @param failedAt {@code dlq-failed-at}, else when the message was sent to the DLQ
 * @param receiveCount how often the DLQ itself delivered it (peeking counts)
 * @param attributes the message attributes other than {@code dlq-*}
 */
public record DeadLetter(
    String messageId,
    String body,
    Optional<String> eventType,
    String reason,
    Optional<String> errorClass,
    Optional<String> errorMessage,
    Optional<String> sourceQueueUrl,
    Optional<String> attempts,
    Optional<Instant> failedAt,
    int receiveCount,
    Map<String, String> attributes) {

  /** The reason of a message without {@code dlq-reason}: moved by the redrive policy. */
  public static final String MAX_RECEIVES_EXCEEDED = "MAX_RECEIVES_EXCEEDED";

  public DeadLetter {
    attributes = Map.copyOf(attributes);
  }

  static DeadLetter from(Message m) {
    Map<String, MessageAttributeValue> a = m.messageAttributes();
    Map<String, String> other = new LinkedHashMap<>();
    a.forEach((k, v) -> {
      if (!k.startsWith(EventAttributes.DLQ_PREFIX)) {
        other.put(k, v.stringValue() != null ? v.stringValue() : "(" + v.dataType() + ")");
      }
    });
    Map<MessageSystemAttributeName, String> system = m.attributes();
    Optional<Instant> failedAt = string(a, EventAttributes.DLQ_FAILED_AT).flatMap(DeadLetter::instant)
        .or(() -> Optional.ofNullable(system.get(MessageSystemAttributeName.SENT_TIMESTAMP))
            .map(ms -> Instant.ofEpochMilli(Long.parseLong(ms))));
    return new DeadLetter(
        m.messageId(),
        m.body(),
        string(a, EventAttributes.TYPE).or(() -> typeOfBody(m.body())),
        string(a, EventAttributes.DLQ_REASON).orElse(MAX_RECEIVES_EXCEEDED),
        string(a, EventAttributes.DLQ_ERROR_CLASS),
        string(a, EventAttributes.DLQ_ERROR_MESSAGE),
        string(a, EventAttributes.DLQ_SOURCE_QUEUE),
        string(a, EventAttributes.DLQ_ATTEMPTS),
        failedAt,
        Integer.parseInt(system.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "0")),
        other);
  }

  /** The CloudEvent type of a body, unwrapping an SNS notification envelope. */
  static Optional<String> typeOfBody(String body) {
    Optional<JsonNode> json = Json.parse(body).filter(JsonNode::isObject);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    JsonNode node = json.get();
    if ("Notification".equals(node.path("Type").asText()) && node.path("Message").isTextual()) {
      String attribute = node.path("MessageAttributes").path(EventAttributes.TYPE).path("Value").asText("");
      return attribute.isEmpty() ? typeOfBody(node.get("Message").asText()) : Optional.of(attribute);
    }
    JsonNode type = node.get("type");
    return type != null && type.isTextual() ? Optional.of(type.asText()) : Optional.empty();
  }

  private static Optional<String> string(Map<String, MessageAttributeValue> a, String name) {
    return Optional.ofNullable(a.get(name)).map(MessageAttributeValue::stringValue);
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
