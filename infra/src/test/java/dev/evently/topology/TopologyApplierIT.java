package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.topology.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

@LocalAws
class TopologyApplierIT {
  private static final Path SHIPPED = Path.of("topology.yaml");

  private final SqsClient sqs;
  private final SnsClient sns;
  private final AwsFixtures fixtures;
  private Naming naming;
  private String p;
  @TempDir
  Path dir;

  TopologyApplierIT(SqsClient sqs, SnsClient sns, AwsFixtures fixtures) {
    this.sqs = sqs;
    this.sns = sns;
    this.fixtures = fixtures;
  }

  @BeforeEach
  void uniqueNames(TestNames names) {
    p = names.queue("t") + "-";
    naming = Naming.prefix(p);
  }

  @Test
  void applyCreatesEverythingThenPlanIsEmptyThenOneChangeShowsExactlyThenDestroyLeavesNothing() throws IOException {
    TopologyApplier applier = applier(TopologyLoader.load(SHIPPED));

    Plan initial = applier.plan();
    assertThat(initial.render()).contains(
        "+ create topic " + p + "order-events\n",
        "+ create topic " + p + "customer-events\n",
        "+ create queue " + p + "customer-service-dlq\n",
        "+ create queue " + p + "customer-service\n",
        "+ create queue policy " + p + "customer-service\n",
        "+ create subscription " + p + "order-events -> " + p + "customer-service\n",
        "+ create subscription " + p + "order-events -> " + p + "notification-service\n",
        "+ create subscription " + p + "customer-events -> " + p + "notification-service\n",
        "Plan: 15 to create, 0 to update, 0 to delete.");
    Plan applied = applier.apply();
    assertThat(applied.changes()).isEqualTo(initial.changes());

    assertThat(applier.plan().isEmpty()).as("plan after apply:\n%s", applier.plan().render()).isTrue();
    assertThat(applier.apply().isEmpty()).as("a second apply changes nothing").isTrue();
    assertCustomerServiceQueueIsWired(30);

    Path changed = dir.resolve("topology.yaml");
    String yaml = Files.readString(SHIPPED);
    int customer = yaml.indexOf("- name: customer-service");
    Files.writeString(changed, yaml.substring(0, customer)
        + yaml.substring(customer).replaceFirst("visibilityTimeout: 30", "visibilityTimeout: 60"));
    TopologyApplier changedApplier = applier(TopologyLoader.load(changed));

    Plan plan = changedApplier.plan();
    assertThat(plan.render()).isEqualTo("~ update queue " + p + "customer-service: VisibilityTimeout 30 -> 60\n"
        + "Plan: 0 to create, 1 to update, 0 to delete.\n");
    assertThat(changedApplier.apply().changes()).isEqualTo(plan.changes());
    assertThat(changedApplier.plan().isEmpty()).isTrue();
    assertCustomerServiceQueueIsWired(60);

    Plan destroyed = changedApplier.destroy();
    assertThat(destroyed.count(Change.Action.DELETE)).isEqualTo(12);
    for (String queue : List.of("customer-service", "customer-service-dlq", "order-service", "order-service-dlq",
        "notification-service", "notification-service-dlq")) {
      assertThat(queueExists(p + queue)).as("queue %s", queue).isFalse();
    }
    assertThat(sns.listTopicsPaginator(r -> {}).topics()).noneMatch(t -> t.topicArn().contains(":" + p));
    assertThat(changedApplier.planDestroy().isEmpty()).isTrue();
    assertThat(changedApplier.plan().count(Change.Action.CREATE)).isEqualTo(15);
  }

  @Test
  void appliedTopologyDeliversOnlyFilteredEventTypes() {
    applier(TopologyLoader.load(SHIPPED)).apply();
    String topicArn = topicArn(p + "order-events");
    String queueUrl = sqs.getQueueUrl(r -> r.queueName(p + "customer-service")).queueUrl();

    publish(topicArn, "OrderShipped", "{\"n\":1}");
    publish(topicArn, "OrderCreated", "{\"n\":0}"); // the simple class name is not the type
    publish(topicArn, "dev.evently.saga.order.created", "{\"n\":2}");

    List<Message> received = fixtures.receiveAll(queueUrl, Duration.ofSeconds(10), 1);
    assertThat(received).extracting(Message::body).containsExactly("{\"n\":2}");
    assertThat(received.get(0).messageAttributes().get("event-type").stringValue()).isEqualTo("dev.evently.saga.order.created");
    assertThat(fixtures.approximateDepth(queueUrl)).isZero();
  }

  @Test
  void queuePolicyMergeKeepsStatementsWrittenByOthers() {
    TopologyApplier applier = applier(TopologyLoader.load(SHIPPED));
    applier.apply();
    String url = sqs.getQueueUrl(r -> r.queueName(p + "customer-service")).queueUrl();
    String arn = fixtures.queueArn(url);
    String foreign = "{\"Sid\":\"ops-audit\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ops\"},"
        + "\"Action\":\"sqs:GetQueueAttributes\",\"Resource\":\"" + arn + "\"}";
    setPolicy(url, "{\"Version\":\"2012-10-17\",\"Statement\":[" + foreign + "]}");

    assertThat(applier.plan().render()).startsWith("+ create queue policy " + p + "customer-service\n");
    applier.apply();

    JsonNode policy = Json.parse(policy(url)).orElseThrow();
    assertThat(policy.get("Statement")).extracting(s -> s.get("Sid").asText())
        .containsExactlyInAnyOrder("ops-audit", "evently-sns-order-events");
    assertThat(applier.plan().isEmpty()).isTrue();
  }

  @Test
  void subscriptionsNoLongerDeclaredAreDeletedAndChangedFiltersUpdated() {
    Topology both = TopologyLoader.parse("""
        topics:
          a:
          b:
        services:
          s:
            queues:
              - name: q
                subscriptions:
                  - topic: a
                  - topic: b
                    filterPolicy: {event-type: [X]}
        """, Path.of("both.yaml"));
    Topology onlyB = TopologyLoader.parse("""
        topics:
          a:
          b:
        services:
          s:
            queues:
              - name: q
                subscriptions:
                  - topic: b
                    rawDelivery: true
                    filterPolicy: {event-type: [X, Y]}
        """, Path.of("only-b.yaml"));
    applier(both).apply();

    Plan plan = applier(onlyB).plan();

    assertThat(plan.render()).isEqualTo(String.join("\n",
        "~ update queue policy " + p + "q: Statements [evently-sns-a, evently-sns-b] -> [evently-sns-b]",
        "~ update subscription " + p + "b -> " + p + "q: RawMessageDelivery false -> true",
        "~ update subscription " + p + "b -> " + p + "q: FilterPolicy {\"event-type\":[\"X\"]} -> {\"event-type\":[\"X\",\"Y\"]}",
        "- delete subscription " + p + "a -> " + p + "q",
        "Plan: 0 to create, 2 to update, 1 to delete.", ""));
    applier(onlyB).apply();
    assertThat(applier(onlyB).plan().isEmpty()).isTrue();
    assertThat(sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn(p + "a"))).subscriptions()).isEmpty();
  }

  @Test
  void switchingEncryptionConverges() {
    String kms = """
        services:
          s:
            queues:
              - name: q
                kmsKeyId: alias/evently-test
        """;
    applier(TopologyLoader.parse(kms, Path.of("kms.yaml"))).apply();
    assertThat(applier(TopologyLoader.parse(kms, Path.of("kms.yaml"))).plan().isEmpty()).isTrue();

    TopologyApplier sse = applier(TopologyLoader.parse(kms.replace("        kmsKeyId: alias/evently-test\n", ""),
        Path.of("sse.yaml")));
    assertThat(sse.plan().render()).contains(
        "~ update queue " + p + "q-dlq: Encryption SSE-KMS(alias/evently-test) -> SSE-SQS",
        "~ update queue " + p + "q: Encryption SSE-KMS(alias/evently-test) -> SSE-SQS");
    sse.apply();
    assertThat(sse.plan().isEmpty()).isTrue();
  }

  @Test
  void fifoTopologyWithKmsAndBodyFiltersIsIdempotent() {
    TopologyApplier applier = applier(TopologyLoader.load(Path.of("src/test/resources/good/fifo-kms.yaml")));

    assertThat(applier.apply().count(Change.Action.CREATE)).as("2 topics, 3 queues, 2 policies, 2 subscriptions").isEqualTo(9);
    assertThat(applier.plan().isEmpty()).as(applier.plan().render()).isTrue();

    Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r
        .queueUrl(sqs.getQueueUrl(q -> q.queueName(p + "payment-commands.fifo")).queueUrl())
        .attributeNames(QueueAttributeName.ALL)).attributes();
    assertThat(attributes).containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")
        .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "120");
    assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains(p + "payment-commands-dlq.fifo");
    applier.destroy();
    assertThat(applier.planDestroy().isEmpty()).isTrue();
  }

  private void assertCustomerServiceQueueIsWired(int visibilityTimeout) {
    String url = sqs.getQueueUrl(r -> r.queueName(p + "customer-service")).queueUrl();
    Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url)
        .attributeNames(QueueAttributeName.ALL, QueueAttributeName.POLICY)).attributes();
    assertThat(a).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibilityTimeout))
        .containsEntry(QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true");
    JsonNode redrive = Json.parse(a.get(QueueAttributeName.REDRIVE_POLICY)).orElseThrow();
    assertThat(redrive.get("deadLetterTargetArn").asText()).endsWith(":" + p + "customer-service-dlq");
    assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(5);
    JsonNode statement = Json.parse(a.get(QueueAttributeName.POLICY)).orElseThrow().get("Statement").get(0);
    assertThat(statement.at("/Condition/ArnEquals/aws:SourceArn").asText()).isEqualTo(topicArn(p + "order-events"));
    assertThat(statement.get("Resource").asText()).isEqualTo(a.get(QueueAttributeName.QUEUE_ARN));

    // fan-out: order-events reaches the customer and the notification services' queues
    var subscriptions = sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn(p + "order-events"))).subscriptions();
    assertThat(subscriptions).extracting(s -> s.endpoint().substring(s.endpoint().lastIndexOf(':') + 1))
        .containsExactlyInAnyOrder(p + "customer-service", p + "notification-service");
    var subscription = subscriptions.stream().filter(s -> s.endpoint().endsWith(":" + p + "customer-service")).toList();
    assertThat(subscription).singleElement().satisfies(s -> {
      Map<String, String> sa = sns.getSubscriptionAttributes(r -> r.subscriptionArn(s.subscriptionArn())).attributes();
      assertThat(sa).containsEntry("RawMessageDelivery", "true");
      assertThat(Json.parse(sa.get("FilterPolicy"))).isEqualTo(Json.parse("{\"event-type\":[\"dev.evently.saga.order.created\",\"dev.evently.saga.order.cancelled\"]}"));
    });
  }

  private TopologyApplier applier(Topology topology) {
    return TopologyApplier.builder().topology(topology).sqs(sqs).sns(sns).naming(naming).build();
  }

  private String topicArn(String name) {
    return sns.listTopicsPaginator(r -> {}).topics().stream().map(t -> t.topicArn())
        .filter(a -> a.endsWith(":" + name)).findFirst().orElseThrow();
  }

  private void publish(String topicArn, String type, String body) {
    sns.publish(r -> r.topicArn(topicArn).message(body).messageAttributes(Map.of("event-type",
        MessageAttributeValue.builder().dataType("String").stringValue(type).build())));
  }

  private boolean queueExists(String name) {
    try {
      sqs.getQueueUrl(r -> r.queueName(name));
      return true;
    } catch (QueueDoesNotExistException e) {
      return false;
    }
  }

  private void setPolicy(String url, String policy) {
    sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(Map.of(QueueAttributeName.POLICY, policy)));
  }

  private String policy(String url) {
    return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.POLICY)).attributes()
        .get(QueueAttributeName.POLICY);
  }
}
