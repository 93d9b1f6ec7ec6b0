package dev.evently.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.event.EventCodec;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.ServiceSupport;
import dev.evently.service.testing.Services;
import org.springframework.context.ConfigurableApplicationContext;
import dev.evently.service.testing.JsonHttp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** Closing the service (what SIGTERM does) publishes every order it accepted: the outbox is flushed. */
@LocalAws
class OrderAppShutdownIT {
  private static final int ORDERS = 20;

  @Test
  void everyAcceptedOrderIsPublishedWhenTheServiceStopsRightAfterAcceptingIt(AwsBackend aws, TestNames names)
      throws Exception {
    AwsFixtures fixtures = AwsFixtures.of(aws);
    String topic = names.topic("order-events");
    String queue = names.queue("order-service");
    String topicArn = fixtures.createTopic(topic);
    fixtures.createQueueWithDlq(queue, 5);
    String sink = fixtures.createQueue(names.queue("order-events-sink"));
    fixtures.subscribe(topicArn, sink, true, null);

    Map<String, Object> properties = Services.inProcess(aws, queue);
    properties.put("ORDER_EVENTS_TOPIC", topic);
    properties.put("ORDER_QUEUE", queue);
    ConfigurableApplicationContext service = OrderApplication.run(properties);
    JsonHttp http = new JsonHttp(() -> Services.port(service));
    Set<String> accepted = new HashSet<>();
    for (int i = 0; i < ORDERS; i++) {
      var response = http.post("/orders", "{\"customerId\": \"c-" + i + "\", \"orderTotal\": 10}");
      assertThat(response.statusCode()).isEqualTo(202);
      accepted.add(JsonHttp.json(response).get("orderId").asText());
    }
    service.close();

    EventCodec codec = EventCodec.of(ServiceSupport.eventTypes(SagaEvents.TYPES));
    List<Message> published = fixtures.receiveAll(sink, Duration.ofSeconds(10), ORDERS);
    Set<String> publishedOrders = new HashSet<>();
    for (Message m : published) {
      publishedOrders.add(((OrderCreated) codec.decode(m.body()).data()).orderId());
    }
    assertThat(publishedOrders).isEqualTo(accepted);
  }
}
