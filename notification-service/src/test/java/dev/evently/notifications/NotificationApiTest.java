package dev.evently.notifications;

import static dev.evently.notifications.SagaEventsFixture.created;
import static dev.evently.notifications.SagaEventsFixture.failed;
import static dev.evently.notifications.SagaEventsFixture.reserved;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The HTTP contract, with the application's real context on H2 and its consumer not started (no
 * SQS here: events are applied through {@link NotificationService}, as the consumer's handlers do;
 * {@code NotificationServiceIT} runs the whole path on SNS/SQS).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:api;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "notification.queue=notification-service",
      "evently.consumers.notification-service.auto-startup=false",
      // nothing listens there: the health check of the queue fails fast instead of reaching AWS
      "evently.aws.endpoint=http://127.0.0.1:9",
      "evently.aws.region=us-east-1",
      "evently.aws.access-key-id=test",
      "evently.aws.secret-access-key=test"
    })
class NotificationApiTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired NotificationService service;

  private record Reply(int status, String contentType, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private Reply get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
  }

  private Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  @Test
  void timelineListsTheOrdersEventsByEventTime() throws Exception {
    var createdEvent = created("api-o-1", "api-c-1", 0);
    var reservedEvent = reserved("api-o-1", "api-c-1", 1);
    service.handle(reservedEvent);
    service.handle(createdEvent);

    Reply r = get("/orders/api-o-1/timeline");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    JsonNode body = r.json();
    assertThat(body.get("orderId").asText()).isEqualTo("api-o-1");
    assertThat(body.get("events")).hasSize(2);
    JsonNode first = body.get("events").get(0);
    assertThat(first.get("type").asText()).isEqualTo(OrderCreated.TYPE);
    assertThat(first.get("time").asText()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(first.get("source").asText()).isEqualTo("order-service");
    assertThat(first.get("eventId").asText()).isEqualTo(createdEvent.id());
    assertThat(body.get("events").get(1).get("type").asText()).isEqualTo(CustomerCreditReserved.TYPE);
  }

  @Test
  void notificationsListWhatWasSentToTheCustomer() throws Exception {
    service.handle(reserved("api-o-2", "api-c-2", 1));
    service.handle(failed("api-o-3", "api-c-2", SagaEvents.REASON_UNKNOWN_CUSTOMER, 2));

    JsonNode body = get("/customers/api-c-2/notifications").json();

    assertThat(body.get("customerId").asText()).isEqualTo("api-c-2");
    assertThat(body.get("notifications")).hasSize(2);
    assertThat(body.get("notifications").get(0).get("kind").asText()).isEqualTo("ORDER_APPROVED");
    assertThat(body.get("notifications").get(1).get("message").asText())
        .isEqualTo("Your order api-o-3 was rejected: unknown customer.");
    assertThat(body.get("notifications").get(1).fieldNames()).toIterable()
        .containsExactly("orderId", "kind", "message", "eventId", "sentAt");
    assertThat(get("/customers/nobody/notifications").json().get("notifications")).isEmpty();
  }

  @Test
  void anUnknownOrderIs404Json() throws Exception {
    Reply r = get("/orders/no-such-order/timeline");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.json().get("field").asText()).isEqualTo("orderId");
    assertThat(r.body()).doesNotContain("no-such-order");
  }

  @Test
  void badIdsAre400JsonNamingTheFieldWithoutEchoingIt() throws Exception {
    String tooLong = "x".repeat(SagaEvents.MAX_ID_LENGTH + 1);
    for (String path : new String[] {"/orders/" + tooLong + "/timeline", "/orders/a%01b/timeline", "/orders/%20/timeline"}) {
      Reply r = get(path);
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(path).isEqualTo("orderId");
      assertThat(r.body()).doesNotContain(tooLong).doesNotContain("Exception").doesNotContain("trace");
    }
    Reply customer = get("/customers/" + tooLong + "/notifications");
    assertThat(customer.status()).isEqualTo(400);
    assertThat(customer.json().get("field").asText()).isEqualTo("customerId");
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrors() throws Exception {
    Reply missing = get("/nothing/here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).isNotBlank();

    Reply post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/o/timeline"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.json().get("error").asText()).isNotBlank();
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    service.handle(created("api-o-4", "api-c-4", 0));

    Reply r = get("/metrics");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    assertThat(r.body()).contains("notifications_timeline_events_total{").contains("service=\"notification-service\"");
  }

  @Test
  void healthNamesWhatIsDownWithinItsDeadline() throws Exception {
    long start = System.nanoTime();
    Reply live = get("/health");
    Reply ready = get("/health/ready");
    long millis = (System.nanoTime() - start) / 1_000_000;

    // the consumer is not started here and SQS cannot be reached
    assertThat(live.status()).isEqualTo(503);
    assertThat(live.json().get("status").asText()).isEqualTo("DOWN");
    assertThat(live.json().get("degraded").asBoolean()).isTrue();
    assertThat(live.json().at("/checks/database").asText()).isEqualTo("UP");
    assertThat(live.json().at("/checks/consumer").asText()).isEqualTo("DOWN: not running");
    assertThat(live.json().at("/checks/queue").asText()).startsWith("DOWN: ");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().get("status").asText()).isEqualTo("DOWN");
    assertThat(millis).as("two health answers").isLessThan(2 * dev.evently.service.Health.DEFAULT_DEADLINE.toMillis() + 1_000);
  }
}
