package dev.evently.consume;

import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.event.EventAttributes;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Messages that fail to decode because of a secret-looking value (a card number) are dead-lettered
 * with reasons that name the field, never the value: neither the consumer's log nor the {@code
 * dlq-*} attributes of the dead-lettered copies contain it (the body itself is kept intact).
 */
@LocalAws
class DecodeFailureSecrecyIT {
  private static final String SECRET = "4111111111111111";

  private final ConsumerITSupport support;
  private final AwsFixtures aws;

  DecodeFailureSecrecyIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
  }

  private static String event(String id, String type, String time, String data) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"x\",\"type\":\"" + type + "\","
        + "\"time\":\"" + time + "\",\"cardnote\":\"" + SECRET + "\",\"data\":" + data + "}";
  }

  @Test
  void deadLetteredPoisonNamesTheFieldNeverTheValueInLogsOrDlqAttributes(TestNames names) {
    String queue = names.queue("secrecy");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(20));
    String good = "{\"orderId\":\"o-1\",\"total\":1}";
    Map<String, String> reasons = Map.of(
        SECRET + " is not json", "NOT_JSON",
        event("i-2", "OrderCreated", SECRET, good), "NOT_CLOUDEVENT",
        event("i-3", "OrderShipped", "2026-01-01T00:00:00Z", "{\"card\":\"" + SECRET + "\"}"), "UNKNOWN_TYPE",
        event("i-4", "OrderCreated", "2026-01-01T00:00:00Z", "{\"orderId\":\"o-4\",\"total\":\"" + SECRET + "x\"}"), "INVALID_DATA",
        event("i-5", "OrderCreated", "2026-01-01T00:00:00Z", "{\"orderId\":{\"card\":\"" + SECRET + "\"},\"total\":1}"), "INVALID_DATA");
    reasons.keySet().forEach(body -> support.sendRaw(q.url(), body, Map.of()));

    List<Message> dead;
    String log;
    try (StderrCapture capture = new StderrCapture();
        SqsConsumer consumer = support.consumer(queue, e -> {}, new SimpleMeterRegistry()).build().start()) {
      dead = aws.receiveAll(q.dlqUrl(), DEADLINE, reasons.size());
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
      consumer.close();
      log = capture.text();
    }

    assertThat(dead).hasSize(reasons.size());
    for (Message m : dead) {
      String reason = reasons.get(m.body());
      assertThat(m.body()).as("the body is kept intact").contains(SECRET);
      Map<String, String> dlq = m.messageAttributes().entrySet().stream()
          .filter(a -> a.getKey().startsWith(EventAttributes.DLQ_PREFIX))
          .collect(Collectors.toMap(Map.Entry::getKey, a -> a.getValue().stringValue()));
      assertThat(dlq).containsEntry(EventAttributes.DLQ_REASON, reason);
      assertThat(dlq.get(EventAttributes.DLQ_ERROR_MESSAGE)).startsWith(reason + ": ").doesNotContain(reason + ": " + reason);
      assertThat(dlq.values()).as(reason + " attributes " + dlq).noneMatch(v -> v.contains(SECRET));
    }
    // the capture works: the consumer's own lines about these messages are in it
    assertThat(log).contains("to the dead-letter queue").contains("INVALID_DATA").contains("NOT_JSON");
    assertThat(log).doesNotContain(SECRET);
  }
}
