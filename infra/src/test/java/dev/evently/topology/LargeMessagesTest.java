package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maxMessageSize and payloads: what the loader accepts, and the limits across topics and queues. */
class LargeMessagesTest {
  @TempDir Path dir;

  @Test
  void aLargeTopicWithLargeQueuesAndABucketOutlivingThemIsAccepted() throws IOException {
    Topology t = load("""
        payloads:
          order-payloads:
            expiryDays: 15
            kmsKeyId: alias/payloads
        topics:
          order-events:
            maxMessageSize: 1048576
            payloads: order-payloads
        services:
          customer-service:
            queues:
              - name: customer-service
                maxMessageSize: 1048576
                subscriptions:
                  - topic: order-events
        """);

    assertThat(t.topics().get("order-events").maxMessageSize()).isEqualTo(1_048_576);
    assertThat(t.queues().get(0).maxMessageSize()).isEqualTo(1_048_576);
    assertThat(t.payloadBucketOf("order-events")).contains(
        new PayloadBucketSpec("order-payloads", 15, java.util.Optional.of("alias/payloads")));
    String template = dev.evently.topology.internal.Json.compact(new CloudFormationExporter(t, Naming.NONE).template());
    assertThat(template).contains("\"TopicName\":\"order-events\",\"MaximumMessageSize\":1048576",
        "\"QueueName\":\"customer-service-dlq\",\"MessageRetentionPeriod\":1209600,\"MaximumMessageSize\":1048576",
        "\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"alias/payloads\"", "\"ExpirationInDays\":15");
  }

  @Test
  void aTopicAbove256KiBTakesAtMost100Subscriptions() throws IOException {
    StringBuilder yaml = new StringBuilder("topics:\n  big:\n    maxMessageSize: 524288\nservices:\n  s:\n    queues:\n");
    for (int i = 0; i < 101; i++) {
      yaml.append("      - name: q").append(i).append("\n        maxMessageSize: 524288\n")
          .append("        subscriptions:\n          - topic: big\n");
    }

    TopologyException e = catchThrowableOfType(TopologyException.class, () -> load(yaml.toString()));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getField()).isEqualTo("topics.big.maxMessageSize");
    assertThat(e.getMessage()).contains("at most 100 subscriptions", "101 queues");
  }

  private Topology load(String yaml) throws IOException {
    Path file = dir.resolve("topology.yaml");
    Files.writeString(file, yaml);
    return TopologyLoader.load(file);
  }
}
