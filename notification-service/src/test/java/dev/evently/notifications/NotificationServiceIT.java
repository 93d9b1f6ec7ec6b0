package dev.evently.notifications;

import static dev.evently.notifications.SagaEventsFixture.created;
import static dev.evently.notifications.SagaEventsFixture.failed;
import static dev.evently.notifications.SagaEventsFixture.reserved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.publish.SnsPublisher;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The whole path on a real SNS/SQS (moto by default, see the localstack module; a missing backend
 * fails the test): saga events published to both topics fan out to the service's queue, which is
 * subscribed to both; the timeline and the notification appear over HTTP; a duplicate and an
 * out-of-order event change nothing.
 */
@LocalAws
class NotificationServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eventsFromBothTopicsReachTheTimelineAndNotifyOnce(AwsBackend backend, AwsFixtures fixtures, TestNames names)
      throws Exception {
    String orderTopic = fixtures.createTopic(names.topic("order-events"));
    String customerTopic = fixtures.createTopic(names.topic("customer-events"));
    String queue = names.queue("notification-service");
    String queueUrl = fixtures.createQueueWithDlq(queue, 5).url();
    fixtures.subscribe(orderTopic, queueUrl, true, null);
    fixtures.subscribe(customerTopic, queueUrl, true, null);
    AwsCredentials credentials = backend.credentials().resolveCredentials();
    EventTypes.Builder types = EventTypes.builder();
    SagaEvents.TYPES.forEach(types::register);
    EventCodec codec = EventCodec.of(types.build());

    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(NotificationApplication.class).run(
            "--server.port=0",
            "--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
            "--notification.queue=" + queue,
            "--evently.consumers." + queue + ".wait-time=1s",
            "--evently.aws.endpoint=" + backend.endpoint(),
            "--evently.aws.region=" + backend.region().id(),
            "--evently.aws.access-key-id=" + credentials.accessKeyId(),
            "--evently.aws.secret-access-key=" + credentials.secretAccessKey());
        SnsPublisher orders = SnsPublisher.builder().client(backend.snsAsync()).topic(orderTopic).codec(codec).build();
        SnsPublisher customers = SnsPublisher.builder().client(backend.snsAsync()).topic(customerTopic).codec(codec).build()) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      Event<OrderCreated> created = created("it-o-1", "it-c-1", 0);
      Event<CustomerCreditReserved> reserved = reserved("it-o-1", "it-c-1", 1);

      // the reply first, then the order, then the reply again (same id: a duplicate)
      customers.publish(reserved).get();
      orders.publish(created).get();
      customers.publish(reserved).get();
      customers.publish(failed("it-o-2", "it-c-1", SagaEvents.REASON_LIMIT_EXCEEDED, 2)).get();
      orders.publish(created("it-o-2", "it-c-1", 1)).get();

      await("both orders' timelines complete").atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(get(base + "/orders/it-o-1/timeline").path("events")).hasSize(2);
        assertThat(get(base + "/orders/it-o-2/timeline").path("events")).hasSize(2);
      });
      JsonNode timeline = get(base + "/orders/it-o-1/timeline");
      assertThat(timeline.at("/events/0/eventId").asText()).isEqualTo(created.id());
      assertThat(timeline.at("/events/0/source").asText()).isEqualTo("order-service");
      assertThat(timeline.at("/events/1/eventId").asText()).isEqualTo(reserved.id());
      JsonNode sent = get(base + "/customers/it-c-1/notifications").path("notifications");
      assertThat(sent).hasSize(2);
      assertThat(sent.findValuesAsText("kind")).containsExactlyInAnyOrder("ORDER_APPROVED", "ORDER_REJECTED");

      await("the duplicate was received and acknowledged").atMost(WAIT).untilAsserted(() ->
          assertThat(metric(base, "evently_consumer_succeeded_total")).isEqualTo(5.0));
      await("every message deleted").atMost(WAIT).untilAsserted(() -> assertThat(fixtures.messagesIn(queueUrl)).isZero());
      assertThat(get(base + "/orders/it-o-1/timeline").path("events")).hasSize(2);
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
  }

  private static double metric(String base, String name) throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
