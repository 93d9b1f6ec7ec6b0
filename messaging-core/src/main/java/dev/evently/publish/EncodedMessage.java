package dev.evently.publish;

import java.util.Map;

/**
 * An event already encoded for SNS: what goes on the wire, exactly as it will be sent. {@link
 * SnsPublisher#publish(dev.evently.event.Event)} encodes an event into one of these and publishes
 * it with {@link EventPublisher#publishEncoded(EncodedMessage)}; the outbox relay publishes the
 * message its row holds the same way, without decoding the event.
 *
 * <p>Immutable; the attribute map is copied.
 *
 * @param eventId the event's id: names the message in failures and logs (never the body)
 * @param type the event's type: names the message in failures and logs
 * @param body the message body, e.g. a CloudEvents JSON document; sent as it is
 * @param attributes String message attributes sent with it (at most 10, SNS's limit), e.g. {@code
 *     event-type}; names and values not blank
 * @param messageGroupId the FIFO message group id; used on FIFO topics only, where it is required
 * @param deduplicationId the FIFO deduplication id; used on FIFO topics only; null leaves
 *     deduplication to the topic's content-based deduplication
 */
public record EncodedMessage(
    String eventId,
    String type,
    String body,
    Map<String, String> attributes,
    String messageGroupId,
    String deduplicationId) {
  /** SNS delivers at most 10 message attributes per message. */
  public static final int MAX_ATTRIBUTES = 10;

  public EncodedMessage {
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("eventId must not be blank");
    }
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("type must not be blank");
    }
    if (body == null || body.isEmpty()) {
      throw new IllegalArgumentException("body must not be empty");
    }
    if (attributes == null) {
      throw new IllegalArgumentException("attributes must not be null");
    }
    if (attributes.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException(
          "attributes must hold at most " + MAX_ATTRIBUTES + " entries but holds " + attributes.size());
    }
    attributes.forEach(
        (name, value) -> {
          if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("attributes must not have a blank name");
          }
          if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("attribute " + name + " must have a value");
          }
        });
    attributes = Map.copyOf(attributes);
  }
}
