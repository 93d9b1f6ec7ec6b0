package dev.evently.topology.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.event.EventAttributes;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyApplier;
import dev.evently.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class DeadLettersIT {
  private static final Topology TOPOLOGY = TopologyLoader.load(Path.of("topology.yaml"));

  private final SqsClient sqs;
  private final SnsClient sns;
  private final AwsFixtures fixtures;
  private DeadLetters deadLetters;
  private String dlqUrl;
  private String sourceUrl;

  DeadLettersIT(SqsClient sqs, SnsClient sns, AwsFixtures fixtures) {
    this.sqs = sqs;
    this.sns = sns;
    this.fixtures = fixtures;
  }

  @BeforeEach
  void applyTopologyAndFillTheDlq(TestNames names) {
    Naming naming = Naming.prefix(names.queue("d") + "-");
    TopologyApplier.builder().topology(TOPOLOGY).sqs(sqs).sns(sns).naming(naming).build().apply();
    deadLetters = new DeadLetters(sqs, TOPOLOGY, naming);
    dlqUrl = sqs.getQueueUrl(r -> r.queueName(naming.physical("customer-service-dlq"))).queueUrl();
    sourceUrl = sqs.getQueueUrl(r -> r.queueName(naming.physical("customer-service"))).queueUrl();

    deadLetter("OrderCreated", "HANDLER_REJECTED", "2026-01-01T10:00:00Z", true);
    deadLetter("OrderCreated", "HANDLER_REJECTED", "2026-01-02T10:00:00Z", true);
    deadLetter("OrderCancelled", "INVALID_DATA", "2026-01-03T10:00:00Z", true);
    deadLetter("OrderCancelled", "UNKNOWN_TYPE", "2026-01-04T10:00:00Z", false);
    // moved by the redrive policy: no dlq-* attributes, type only in the body's CloudEvent
    sqs.sendMessage(r -> r.queueUrl(dlqUrl).messageBody(cloudEvent("OrderCreated", "redriven")));
  }

  @Test
  void listShowsEveryDlqWithItsDepth() {
    assertThat(deadLetters.list()).extracting(DlqStatus::dlq, DlqStatus::exists, DlqStatus::visible)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(dlqName(), true, 5L),
            org.assertj.core.groups.Tuple.tuple(dlqName().replace("customer-service", "order-service"), true, 0L),
            org.assertj.core.groups.Tuple.tuple(dlqName().replace("customer-service", "notification-service"), true, 0L));
  }

  @Test
  void peekShowsFailureReasonsWithoutConsuming() {
    List<DeadLetter> letters = deadLetters.peek("customer-service-dlq", 10);

    assertThat(letters).hasSize(5);
    assertThat(letters).extracting(DeadLetter::reason).containsExactlyInAnyOrder(
        "HANDLER_REJECTED", "HANDLER_REJECTED", "INVALID_DATA", "UNKNOWN_TYPE", DeadLetter.MAX_RECEIVES_EXCEEDED);
    assertThat(letters).extracting(l -> l.eventType().orElse("?")).containsExactlyInAnyOrder(
        "OrderCreated", "OrderCreated", "OrderCancelled", "OrderCancelled", "OrderCreated");
    DeadLetter invalid = letters.stream().filter(l -> l.reason().equals("INVALID_DATA")).findFirst().orElseThrow();
    assertThat(invalid.errorClass()).contains("com.example.InvalidData");
    assertThat(invalid.errorMessage()).contains("amount must be positive");
    assertThat(invalid.sourceQueueUrl()).contains(sourceUrl);
    assertThat(invalid.attempts()).contains("5");
    assertThat(invalid.failedAt()).contains(Instant.parse("2026-01-03T10:00:00Z"));
    assertThat(invalid.attributes()).containsOnlyKeys("event-type");
    assertThat(letters).allSatisfy(l -> assertThat(l.failedAt()).isPresent());

    assertThat(depth(dlqUrl)).as("visible again after peeking").isEqualTo(5);
    assertThat(inFlight(dlqUrl)).isZero();
    assertThat(deadLetters.peek("customer-service", 2)).as("by source queue name, limited").hasSize(2);
    assertThat(depth(dlqUrl)).isEqualTo(5);
  }

  @Test
  void redriveByTypeMovesOnlyThatTypeAndLosesNothing() {
    int before = depth(dlqUrl) + depth(sourceUrl);

    RedriveResult result = deadLetters.redrive("customer-service-dlq",
        RedriveOptions.builder().type("OrderCancelled").ratePerSecond(1000).build());

    assertThat(result.moved()).isEqualTo(2);
    assertThat(result.scanned()).isEqualTo(5);
    assertThat(result.skipped()).isEqualTo(3);
    assertThat(depth(dlqUrl) + depth(sourceUrl)).as("nothing lost, nothing duplicated").isEqualTo(before);
    assertThat(depth(dlqUrl)).isEqualTo(3);
    List<Message> moved = fixtures.receiveAll(sourceUrl, Duration.ofSeconds(5), 2);
    assertThat(moved).extracting(Message::body).allMatch(b -> b.contains("\"type\":\"OrderCancelled\""));
    assertThat(moved).allSatisfy(m -> assertThat(m.messageAttributes().keySet())
        .as("original attributes kept, dlq-* dropped").allMatch(k -> !k.startsWith("dlq-")));
    assertThat(moved).anySatisfy(m -> assertThat(m.messageAttributes().get("event-type").stringValue())
        .isEqualTo("OrderCancelled"));
    assertThat(deadLetters.peek("customer-service-dlq", 10)).extracting(l -> l.eventType().orElseThrow())
        .containsOnly("OrderCreated");
  }

  @Test
  void redriveByReasonSinceAndLimit() {
    RedriveResult byPolicy = deadLetters.redrive("customer-service-dlq",
        RedriveOptions.builder().reason(DeadLetter.MAX_RECEIVES_EXCEEDED).ratePerSecond(1000).build());
    assertThat(byPolicy.moved()).as("moved to the topology's source queue").isEqualTo(1);
    assertThat(fixtures.receiveAll(sourceUrl, Duration.ofSeconds(5), 1)).extracting(Message::body)
        .containsExactly(cloudEvent("OrderCreated", "redriven"));

    RedriveResult since = deadLetters.redrive("customer-service-dlq", RedriveOptions.builder()
        .since(Instant.parse("2026-01-02T00:00:00Z")).limit(2).ratePerSecond(1000).build());
    assertThat(since.moved()).isEqualTo(2);
    assertThat(depth(dlqUrl)).isEqualTo(2);
    assertThat(deadLetters.peek("customer-service-dlq", 10)).extracting(l -> l.failedAt().orElseThrow())
        .anyMatch(t -> t.equals(Instant.parse("2026-01-01T10:00:00Z")));
  }

  @Test
  void purgeEmptiesTheDlq() {
    assertThat(deadLetters.purge("customer-service-dlq")).isEqualTo(5);
    assertThat(depth(dlqUrl)).isZero();
  }

  @Test
  void unknownQueueIsNamed() {
    assertThatThrownBy(() -> deadLetters.peek("billing-dlq", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no dead-letter queue 'billing-dlq'").hasMessageContaining("customer-service-dlq");
  }

  private void deadLetter(String type, String reason, String failedAt, boolean typeAttribute) {
    Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
    if (typeAttribute) {
      a.put("event-type", string(type));
    }
    a.put(EventAttributes.DLQ_REASON, string(reason));
    a.put(EventAttributes.DLQ_ERROR_CLASS, string("com.example.InvalidData"));
    a.put(EventAttributes.DLQ_ERROR_MESSAGE, string("amount must be positive"));
    a.put(EventAttributes.DLQ_SOURCE_QUEUE, string(sourceUrl));
    a.put(EventAttributes.DLQ_ATTEMPTS, string("5"));
    a.put(EventAttributes.DLQ_FAILED_AT, string(failedAt));
    sqs.sendMessage(r -> r.queueUrl(dlqUrl).messageBody(cloudEvent(type, failedAt)).messageAttributes(a));
  }

  private static String cloudEvent(String type, String id) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"" + type
        + "\",\"source\":\"/order-service\",\"data\":{}}";
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private String dlqName() {
    return dlqUrl.substring(dlqUrl.lastIndexOf('/') + 1);
  }

  private int depth(String url) {
    return fixtures.approximateDepth(url);
  }

  private int inFlight(String url) {
    return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }
}
