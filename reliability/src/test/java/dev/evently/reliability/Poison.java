package dev.evently.reliability;

import dev.evently.saga.events.OrderCreated;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bad messages, each carrying a unique marker in its payload (never in the event id or type, which
 * are metadata and may be logged), so its dead-lettered copy can be matched and a log line that
 * echoes a body caught; and the {@code dlq-reason} it must get.
 */
final class Poison {
  static final Pattern MARKER = Pattern.compile("poison-[0-9a-f]{8}-\\d+");

  /** One bad message: its body, the reason it must be dead-lettered with, and its kind. */
  record Message(String marker, String kind, String body, String expectedReason) {}

  private record Kind(String name, String reason, Function<String, String> body) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("not JSON", "NOT_JSON", m -> "this is not JSON " + m),
      new Kind("truncated JSON", "NOT_JSON", m -> "{\"specversion\":\"1.0\",\"data\":{\"note\":\"" + m + "\","),
      new Kind("JSON, not a CloudEvent", "NOT_CLOUDEVENT", m -> "{\"hello\":\"" + m + "\"}"),
      new Kind("@class injection", "NOT_CLOUDEVENT",
          m -> "{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/" + m + "\"]}"),
      new Kind("SNS envelope around garbage", "NOT_JSON",
          m -> "{\"Type\":\"Notification\",\"MessageId\":\"" + UUID.randomUUID() + "\",\"Message\":\"garbage " + m + "\"}"),
      new Kind("unknown type", "UNKNOWN_TYPE", m -> cloudEvent(m, "OrderShipped", "{\"orderId\":\"" + m + "\"}")),
      new Kind("class name as type", "UNKNOWN_TYPE", m -> cloudEvent(m, "java.lang.Runtime", "{\"exec\":\"" + m + "\"}")),
      new Kind("default-typing array as data", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "[\"java.net.URL\",\"http://" + m + ".invalid/\"]")),
      new Kind("@class inside data", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "{\"@class\":\"java.lang.ProcessBuilder\",\"orderId\":\"" + m + "\"}")),
      new Kind("wrong field type", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "{\"orderId\":\"o\",\"customerId\":\"c\",\"orderTotal\":\"" + m + "\"}")),
      new Kind("negative total", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "{\"orderId\":\"" + m + "\",\"customerId\":\"c\",\"orderTotal\":-5}")),
      new Kind("total out of range", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "{\"orderId\":\"o\",\"customerId\":\"" + m + "\",\"orderTotal\":1e20}")),
      new Kind("oversized field", "INVALID_DATA",
          m -> cloudEvent(m, OrderCreated.TYPE, "{\"orderId\":\"" + m + "\",\"customerId\":\"" + "c".repeat(200_000)
              + "\",\"orderTotal\":5}")),
      new Kind("oversized garbage", "NOT_JSON", m -> m + " " + "x".repeat(250_000)));

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** The {@code i}-th bad message; the kinds take turns. */
  Message next(int i) {
    Kind kind = KINDS.get(i % KINDS.size());
    String marker = "poison-" + run + "-" + i;
    return new Message(marker, kind.name(), kind.body().apply(marker), kind.reason());
  }

  static int kinds() {
    return KINDS.size();
  }

  /** The marker in a body, or null. */
  static String markerIn(String body) {
    Matcher m = MARKER.matcher(body);
    return m.find() ? m.group() : null;
  }

  private static String cloudEvent(String marker, String type, String data) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"reliability-suite\",\"type\":\"" + type
        + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
  }
}
