package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.event.EventAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class DeadLetterAttributesTest {
  private static final Instant AT = Instant.parse("2025-01-02T03:04:05Z");
  private static final String QUEUE = "http://localhost/000000000000/orders";

  private static MessageAttributeValue str(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }

  @Test
  void addsTheReasonAttributesAndKeepsTheOriginals() {
    MessageAttributeValue bin =
        MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("x")).build();
    Map<String, MessageAttributeValue> original = Map.of(EventAttributes.TYPE, str("OrderCreated"), "blob", bin);

    DeadLetterAttributes d =
        DeadLetterAttributes.of(original, "INVALID_DATA", new IllegalStateException("bad total"), QUEUE, 2, AT);

    Map<String, MessageAttributeValue> a = d.attributes();
    assertThat(a.get(EventAttributes.DLQ_REASON).stringValue()).isEqualTo("INVALID_DATA");
    assertThat(a.get(EventAttributes.DLQ_ERROR_CLASS).stringValue()).isEqualTo("java.lang.IllegalStateException");
    assertThat(a.get(EventAttributes.DLQ_ERROR_MESSAGE).stringValue()).isEqualTo("bad total");
    assertThat(a.get(EventAttributes.DLQ_SOURCE_QUEUE).stringValue()).isEqualTo(QUEUE);
    assertThat(a.get(EventAttributes.DLQ_ATTEMPTS).dataType()).isEqualTo("Number");
    assertThat(a.get(EventAttributes.DLQ_ATTEMPTS).stringValue()).isEqualTo("2");
    assertThat(a.get(EventAttributes.DLQ_FAILED_AT).stringValue()).isEqualTo("2025-01-02T03:04:05Z");
    assertThat(a.get(EventAttributes.TYPE).stringValue()).isEqualTo("OrderCreated");
    assertThat(a.get("blob").binaryValue().asUtf8String()).isEqualTo("x");
    assertThat(a).hasSize(8).doesNotContainKey(EventAttributes.DLQ_DROPPED_ATTRIBUTES);
    assertThat(d.dropped()).isEmpty();
  }

  @Test
  void keepsAllDeadLetterAttributesAndAsManyOriginalsAsFitTypeFirst() {
    Map<String, MessageAttributeValue> original = new LinkedHashMap<>();
    for (String n : new String[] {"a", "b", "c", "d", "e", "f"}) {
      original.put(n, str(n));
    }
    original.put(EventAttributes.TYPE, str("OrderCreated"));

    DeadLetterAttributes d = DeadLetterAttributes.of(original, "NOT_JSON", null, QUEUE, 1, AT);

    assertThat(d.attributes()).hasSize(10);
    assertThat(d.attributes()).containsKeys(EventAttributes.TYPE, "a", "b");
    assertThat(d.dropped()).containsExactly("c", "d", "e", "f");
    assertThat(d.attributes().get(EventAttributes.DLQ_DROPPED_ATTRIBUTES).stringValue()).isEqualTo("c,d,e,f");
    assertThat(d.attributes().get(EventAttributes.DLQ_ERROR_CLASS).stringValue()).isEqualTo("none");
    assertThat(d.attributes().get(EventAttributes.DLQ_ERROR_MESSAGE).stringValue()).isEqualTo("(no message)");
  }

  @Test
  void fourOriginalsFitExactlyWithoutAMarker() {
    Map<String, MessageAttributeValue> original = Map.of("a", str("1"), "b", str("2"), "c", str("3"), "d", str("4"));
    DeadLetterAttributes d = DeadLetterAttributes.of(original, "NOT_JSON", null, QUEUE, 1, AT);
    assertThat(d.attributes()).hasSize(10).containsKeys("a", "b", "c", "d");
    assertThat(d.dropped()).isEmpty();
  }

  @Test
  void replacesEarlierDeadLetterAttributesInsteadOfCountingThemAsDropped() {
    Map<String, MessageAttributeValue> original =
        Map.of(EventAttributes.DLQ_REASON, str("OLD"), EventAttributes.DLQ_ATTEMPTS, str("9"), "x", str("1"));
    DeadLetterAttributes d = DeadLetterAttributes.of(original, "HANDLER_REJECTED", null, QUEUE, 1, AT);
    assertThat(d.attributes().get(EventAttributes.DLQ_REASON).stringValue()).isEqualTo("HANDLER_REJECTED");
    assertThat(d.attributes().get(EventAttributes.DLQ_ATTEMPTS).stringValue()).isEqualTo("1");
    assertThat(d.attributes()).hasSize(7);
    assertThat(d.dropped()).isEmpty();
  }

  @Test
  void truncatesLongMessagesAndReplacesCharactersSqsRejects() {
    String longMessage = "x".repeat(5000);
    DeadLetterAttributes d =
        DeadLetterAttributes.of(Map.of(), "HANDLER_REJECTED", new RuntimeException(longMessage), QUEUE, 1, AT);
    String stored = d.attributes().get(EventAttributes.DLQ_ERROR_MESSAGE).stringValue();
    assertThat(stored).hasSize(DeadLetterAttributes.MAX_ERROR_MESSAGE_CHARS).endsWith("...");

    DeadLetterAttributes ctrl =
        DeadLetterAttributes.of(Map.of(), "HANDLER_REJECTED", new RuntimeException("a\u0000b\u0007c\td"), QUEUE, 1, AT);
    assertThat(ctrl.attributes().get(EventAttributes.DLQ_ERROR_MESSAGE).stringValue()).isEqualTo("a?b?c\td");
  }
}
