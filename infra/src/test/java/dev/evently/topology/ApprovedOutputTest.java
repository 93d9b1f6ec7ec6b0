package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.topology.internal.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pins the generated queue policies, IAM policies and CloudFormation templates. */
class ApprovedOutputTest {
  private static final AwsAccount ACCOUNT = AwsAccount.of("eu-west-1", "123456789012");
  private static final Topology SHIPPED = TopologyLoader.load(Path.of("topology.yaml"));
  private static final Topology FIFO_KMS = TopologyLoader.load(Path.of("src/test/resources/good/fifo-kms.yaml"));

  @ParameterizedTest
  @ValueSource(strings = {"customer-service", "order-service", "notification-service"})
  void queuePolicyOfShippedQueue(String queue) {
    Approvals.verify("queue-policy-" + queue + ".json", Json.pretty(queuePolicy(SHIPPED, queue)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"customer-service", "order-service", "notification-service"})
  void iamPolicyOfShippedService(String service) {
    Approvals.verify("iam-" + service + ".json", new IamPolicyGenerator(SHIPPED, Naming.NONE, ACCOUNT).json(service));
  }

  @ParameterizedTest
  @ValueSource(strings = {"payment-service", "auditor"})
  void iamPolicyWithKmsKeys(String service) {
    Approvals.verify("iam-fifo-kms-" + service + ".json",
        new IamPolicyGenerator(FIFO_KMS, Naming.NONE, ACCOUNT).json(service));
  }

  @Test
  void cloudFormationOfShippedTopology() {
    Approvals.verify("cloudformation.json", new CloudFormationExporter(SHIPPED, Naming.NONE).json());
  }

  @Test
  void cloudFormationWithFifoAndKms() {
    Approvals.verify("cloudformation-fifo-kms.json", new CloudFormationExporter(FIFO_KMS, Naming.NONE).json());
  }

  @Test
  void everyQueueIsEncryptedByDefault() {
    for (Topology t : List.of(SHIPPED, FIFO_KMS)) {
      List<JsonNode> queues = resources(new CloudFormationExporter(t, Naming.NONE).template(), "AWS::SQS::Queue");
      assertThat(queues).hasSizeGreaterThanOrEqualTo(3);
      for (JsonNode q : queues) {
        JsonNode props = q.get("Properties");
        assertThat(props.path("SqsManagedSseEnabled").asBoolean(false) || props.hasNonNull("KmsMasterKeyId"))
            .as("queue %s is encrypted", props.get("QueueName")).isTrue();
      }
    }
    List<JsonNode> shipped = resources(new CloudFormationExporter(SHIPPED, Naming.NONE).template(), "AWS::SQS::Queue");
    assertThat(shipped).hasSize(6)
        .allSatisfy(q -> assertThat(q.at("/Properties/SqsManagedSseEnabled").asBoolean()).isTrue());
  }

  @Test
  void everyQueuePolicyStatementIsBoundToItsTopicBySourceArn() {
    List<JsonNode> statements = new ArrayList<>();
    for (Topology t : List.of(SHIPPED, FIFO_KMS)) {
      for (JsonNode p : resources(new CloudFormationExporter(t, Naming.NONE).template(), "AWS::SQS::QueuePolicy")) {
        p.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
      }
      for (QueueSpec q : t.queues()) {
        if (!q.subscriptions().isEmpty()) {
          queuePolicy(t, q.name()).get("Statement").forEach(statements::add);
        }
      }
    }
    assertThat(statements).hasSizeGreaterThanOrEqualTo(6).allSatisfy(s -> {
      assertThat(s.at("/Condition/ArnEquals/aws:SourceArn").isMissingNode()).as("SourceArn condition in %s", s).isFalse();
      assertThat(s.get("Action").asText()).isEqualTo("sqs:SendMessage");
      JsonNode resource = s.get("Resource");
      assertThat(resource.isTextual() ? resource.asText() : resource.at("/Fn::GetAtt/0").asText())
          .as("the statement's resource is the queue").matches("arn:aws:sqs:.*|.*Queue");
      assertThat(s.at("/Principal/Service").asText()).isEqualTo("sns.amazonaws.com");
    });
  }

  @Test
  void iamPoliciesNeverGrantOnEverything() {
    for (Topology t : List.of(SHIPPED, FIFO_KMS)) {
      IamPolicyGenerator iam = new IamPolicyGenerator(t, Naming.NONE, ACCOUNT);
      for (String service : t.services().keySet()) {
        String json = iam.json(service);
        assertThat(json).doesNotContain("\"*\"").doesNotContain("Create").doesNotContain("sns:Subscribe")
            .doesNotContain("SetQueueAttributes");
      }
    }
  }

  @Test
  void iamPolicyGrantsOnlyTheServicesOwnResources() {
    ObjectNode policy = new IamPolicyGenerator(SHIPPED, Naming.prefix("prod-"), ACCOUNT).policyFor("order-service");
    String json = Json.compact(policy);

    assertThat(json).contains("arn:aws:sns:eu-west-1:123456789012:prod-order-events")
        .contains("arn:aws:sqs:eu-west-1:123456789012:prod-order-service")
        .contains("arn:aws:sqs:eu-west-1:123456789012:prod-order-service-dlq")
        .doesNotContain("customer-events").doesNotContain("customer-service");
  }

  @Test
  void unknownServiceIsRefusedByName() {
    assertThatThrownBy(() -> new IamPolicyGenerator(SHIPPED, Naming.NONE, ACCOUNT).policyFor("billing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown service 'billing'").hasMessageContaining("order-service");
  }

  private static ObjectNode queuePolicy(Topology t, String queue) {
    QueueSpec q = t.queue(queue).orElseThrow();
    Map<String, String> topics = new LinkedHashMap<>();
    q.subscriptions().forEach(s -> topics.put(s.topic(), ACCOUNT.topicArn(s.topic())));
    return QueuePolicies.document(QueuePolicies.statements(ACCOUNT.queueArn(queue), topics));
  }

  private static List<JsonNode> resources(ObjectNode template, String type) {
    List<JsonNode> result = new ArrayList<>();
    template.get("Resources").forEach(r -> {
      if (r.get("Type").asText().equals(type)) {
        result.add(r);
      }
    });
    return result;
  }
}
