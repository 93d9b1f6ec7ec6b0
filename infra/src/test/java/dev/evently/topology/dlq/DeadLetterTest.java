package dev.evently.topology.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class DeadLetterTest {

  @Test
  void typeComesFromTheCloudEventBody() {
    assertThat(DeadLetter.typeOfBody("{\"specversion\":\"1.0\",\"type\":\"OrderCreated\"}")).contains("OrderCreated");
    assertThat(DeadLetter.typeOfBody("not json")).isEmpty();
    assertThat(DeadLetter.typeOfBody("{\"type\":42}")).isEmpty();
  }

  @Test
  void typeIsFoundInsideAnSnsEnvelope() {
    String inner = "{\\\"specversion\\\":\\\"1.0\\\",\\\"type\\\":\\\"OrderCancelled\\\"}";
    assertThat(DeadLetter.typeOfBody("{\"Type\":\"Notification\",\"Message\":\"" + inner + "\"}"))
        .contains("OrderCancelled");
    assertThat(DeadLetter.typeOfBody("{\"Type\":\"Notification\",\"Message\":\"x\","
        + "\"MessageAttributes\":{\"event-type\":{\"Type\":\"String\",\"Value\":\"OrderCreated\"}}}"))
        .contains("OrderCreated");
  }

  @Test
  void messageWithoutDlqAttributesWasMovedByTheRedrivePolicy() {
    Message m = Message.builder().messageId("m1").body("{\"type\":\"OrderCreated\"}")
        .attributesWithStrings(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP.toString(), "1767225600000",
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(), "2"))
        .build();

    DeadLetter d = DeadLetter.from(m);

    assertThat(d.reason()).isEqualTo(DeadLetter.MAX_RECEIVES_EXCEEDED);
    assertThat(d.eventType()).contains("OrderCreated");
    assertThat(d.failedAt()).contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(d.receiveCount()).isEqualTo(2);
    assertThat(d.sourceQueueUrl()).isEmpty();
  }

  @Test
  void attributeTypeWinsOverBodyAndDlqAttributesAreSeparated() {
    Message m = Message.builder().messageId("m2").body("{\"type\":\"Other\"}")
        .messageAttributes(Map.of("event-type", s("OrderCreated"), "dlq-reason", s("INVALID_DATA"),
            "dlq-failed-at", s("2026-02-01T08:00:00Z"), "trace", s("abc")))
        .build();

    DeadLetter d = DeadLetter.from(m);

    assertThat(d.eventType()).contains("OrderCreated");
    assertThat(d.reason()).isEqualTo("INVALID_DATA");
    assertThat(d.failedAt()).contains(Instant.parse("2026-02-01T08:00:00Z"));
    assertThat(d.attributes()).containsOnlyKeys("event-type", "trace");
  }

  @Test
  void optionsMatchAllFilters() {
    DeadLetter d = DeadLetter.from(Message.builder().messageId("m3").body("{}")
        .messageAttributes(Map.of("event-type", s("A"), "dlq-reason", s("TOO_LARGE"),
            "dlq-failed-at", s("2026-03-01T00:00:00Z"))).build());

    assertThat(RedriveOptions.all().matches(d)).isTrue();
    assertThat(RedriveOptions.builder().type("A").reason("too_large").build().matches(d)).isTrue();
    assertThat(RedriveOptions.builder().type("B").build().matches(d)).isFalse();
    assertThat(RedriveOptions.builder().since(Instant.parse("2026-03-01T00:00:00Z")).build().matches(d)).isTrue();
    assertThat(RedriveOptions.builder().since(Instant.parse("2026-03-01T00:00:01Z")).build().matches(d)).isFalse();
  }

  @Test
  void optionsValidateAndNameTheField() {
    assertThatThrownBy(() -> RedriveOptions.builder().limit(0)).hasMessage("limit must be > 0, was 0");
    assertThatThrownBy(() -> RedriveOptions.builder().ratePerSecond(0)).hasMessage("ratePerSecond must be > 0, was 0.0");
    assertThatThrownBy(() -> RedriveOptions.builder().type(" ")).hasMessage("type must not be blank");
  }

  private static MessageAttributeValue s(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }
}
