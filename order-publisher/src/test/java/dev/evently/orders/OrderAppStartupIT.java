package dev.evently.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.service.testing.Services;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Start-up resolves the topology by name, never creates it, and names what is missing. */
@LocalAws
class OrderAppStartupIT {

  @Test
  void aMissingTopicStopsTheStartNamingItAndCreatesNothing(AwsBackend aws, TestNames names) {
    String topic = names.topic("order-events");
    String queue = names.queue("order-service");

    assertStartFailsNaming(start(aws, topic, queue), topic);

    assertThatThrownBy(() -> aws.sqs().getQueueUrl(r -> r.queueName(queue)))
        .isInstanceOf(QueueDoesNotExistException.class);
    assertThat(aws.sns().listTopicsPaginator().topics()).noneMatch(t -> t.topicArn().endsWith(":" + topic));
  }

  @Test
  void aMissingQueueStopsTheStartNamingItAndCreatesNothing(AwsBackend aws, TestNames names) {
    String topic = names.topic("order-events");
    String queue = names.queue("order-service");
    AwsFixtures.of(aws).createTopic(topic);

    assertStartFailsNaming(start(aws, topic, queue), queue);

    assertThatThrownBy(() -> aws.sqs().getQueueUrl(r -> r.queueName(queue)))
        .isInstanceOf(QueueDoesNotExistException.class);
  }

  private static ThrowingCallable start(AwsBackend aws, String topic, String queue) {
    Map<String, Object> properties = Services.inProcess(aws, queue);
    properties.put("ORDER_EVENTS_TOPIC", topic);
    properties.put("ORDER_QUEUE", queue);
    return () -> OrderApplication.run(properties).close();
  }

  private static void assertStartFailsNaming(ThrowingCallable start, String missing) {
    assertThatThrownBy(start).satisfies(e -> {
      StringBuilder messages = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append('\n');
      }
      assertThat(messages.toString()).contains(missing);
    });
  }
}
