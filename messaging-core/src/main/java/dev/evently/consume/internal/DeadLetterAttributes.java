package dev.evently.consume.internal;

import dev.evently.event.EventAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The message attributes of a dead-lettered copy: the {@code dlq-*} reason attributes plus as many
 * of the original attributes as SQS's limit of 10 allows ({@code event-type} first, then by name).
 * When originals must be dropped, {@code dlq-dropped-attributes} lists them. Original {@code
 * dlq-*} attributes (from an earlier dead-lettering) are replaced, not counted as dropped.
 */
public record DeadLetterAttributes(Map<String, MessageAttributeValue> attributes, List<String> dropped) {
  public static final int MAX_ATTRIBUTES = 10;
  public static final int MAX_ERROR_MESSAGE_CHARS = 1024;

  public DeadLetterAttributes {
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    dropped = List.copyOf(dropped);
  }

  public static DeadLetterAttributes of(
      Map<String, MessageAttributeValue> original,
      String reason,
      Throwable error,
      String sourceQueueUrl,
      int attempts,
      Instant failedAt) {
    Map<String, MessageAttributeValue> result = new LinkedHashMap<>();
    result.put(EventAttributes.DLQ_REASON, string(reason));
    result.put(EventAttributes.DLQ_ERROR_CLASS, string(error == null ? "none" : error.getClass().getName()));
    result.put(EventAttributes.DLQ_ERROR_MESSAGE, string(errorMessage(error)));
    result.put(EventAttributes.DLQ_SOURCE_QUEUE, string(sourceQueueUrl));
    result.put(EventAttributes.DLQ_ATTEMPTS, number(attempts));
    result.put(EventAttributes.DLQ_FAILED_AT, string(failedAt.toString()));

    List<String> names = new ArrayList<>();
    if (original != null) {
      original.keySet().stream()
          .filter(n -> !n.startsWith(EventAttributes.DLQ_PREFIX))
          .sorted(Comparator.comparing((String n) -> !n.equals(EventAttributes.TYPE)).thenComparing(n -> n))
          .forEach(names::add);
    }
    int room = MAX_ATTRIBUTES - result.size();
    List<String> dropped = List.of();
    if (names.size() > room) {
      room -= 1; // the dropped-attributes marker takes one slot
      dropped = names.subList(room, names.size());
      result.put(EventAttributes.DLQ_DROPPED_ATTRIBUTES, string(String.join(",", dropped)));
    }
    for (String name : names.subList(0, Math.min(room, names.size()))) {
      result.put(name, copy(original.get(name)));
    }
    return new DeadLetterAttributes(result, dropped);
  }

  static String errorMessage(Throwable error) {
    String message = error == null ? null : error.getMessage();
    if (message == null || message.isBlank()) {
      return "(no message)";
    }
    String clean = sanitize(message);
    return clean.length() <= MAX_ERROR_MESSAGE_CHARS
        ? clean
        : clean.substring(0, MAX_ERROR_MESSAGE_CHARS - 3) + "...";
  }

  /** SQS attribute values allow only XML characters; anything else becomes '?'. */
  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              boolean ok =
                  cp == 0x9 || cp == 0xA || cp == 0xD
                      || (cp >= 0x20 && cp <= 0xD7FF)
                      || (cp >= 0xE000 && cp <= 0xFFFD)
                      || (cp >= 0x10000 && cp <= 0x10FFFF);
              out.appendCodePoint(ok ? cp : '?');
            });
    return out.toString();
  }

  private static MessageAttributeValue copy(MessageAttributeValue value) {
    MessageAttributeValue.Builder b = MessageAttributeValue.builder().dataType(value.dataType());
    if (value.stringValue() != null) {
      b.stringValue(value.stringValue());
    }
    if (value.binaryValue() != null) {
      b.binaryValue(value.binaryValue());
    }
    return b.build();
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static MessageAttributeValue number(int value) {
    return MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(value)).build();
  }
}
