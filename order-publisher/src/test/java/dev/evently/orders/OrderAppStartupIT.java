package dev.evently.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.service.Env;
import dev.evently.service.Topology.MissingTopologyException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Start-up verifies the topology by name, never creates it, and names everything missing. */
@LocalAws
class OrderAppStartupIT {

  @Test
  void startUpFailsNamingTheMissingTopicAndQueueAndCreatesNothing(AwsBackend aws, TestNames names) {
    String topic = names.topic("order-events");
    String queue = names.queue("order-service");
    var settings =
        OrderApp.settings(new Env(Map.of()))
            .withHttpPort(0)
            .withDatabaseUrl("jdbc:h2:mem:startup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
            .withTopology(topic, queue)
            .withReceiveWait(Duration.ofSeconds(1))
            .withClients(aws.snsAsync(), aws.sqsAsync());

    assertThatThrownBy(() -> OrderApp.start(settings))
        .isInstanceOf(MissingTopologyException.class)
        .hasMessageContaining("topic " + topic)
        .hasMessageContaining("queue " + queue)
        .satisfies(e -> assertThat(((MissingTopologyException) e).missing())
            .containsExactly("topic " + topic, "queue " + queue));

    assertThatThrownBy(() -> aws.sqs().getQueueUrl(r -> r.queueName(queue)))
        .isInstanceOf(QueueDoesNotExistException.class);
    assertThat(aws.sns().listTopicsPaginator().topics())
        .noneMatch(t -> t.topicArn().endsWith(":" + topic));
  }
}
