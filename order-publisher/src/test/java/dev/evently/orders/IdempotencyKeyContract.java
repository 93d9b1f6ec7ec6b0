package dev.evently.orders;

import static dev.evently.service.testing.JsonHttp.assertError;
import static dev.evently.service.testing.JsonHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.EventCodec;
import dev.evently.outbox.Outbox;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.testing.TestWeb;
import dev.evently.service.ServiceSupport;
import dev.evently.service.testing.JsonHttp;
import dev.evently.service.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /orders} with an {@code Idempotency-Key}, over real HTTP, against a real database
 * (see the subclasses) and the real transactional outbox, counting the rows that were written.
 */
abstract class IdempotencyKeyContract {
  private static final String ORDER = "{\"customerId\": \"c-1\", \"orderTotal\": 60.00}";

  private final AtomicBoolean outboxFails = new AtomicBoolean();
  private HikariDataSource dataSource;
  private TestWeb api;
  private final JsonHttp http = new JsonHttp(() -> api.port());

  /** A new, empty database with the library's and the order service's tables. */
  abstract HikariDataSource openDatabase();

  /** Releases what {@link #openDatabase} made. */
  abstract void dropDatabase(HikariDataSource dataSource);

  @BeforeEach
  void start() throws Exception {
    dataSource = openDatabase();
    Outbox outbox = Outbox.builder().codec(EventCodec.of(ServiceSupport.eventTypes(SagaEvents.TYPES))).build();
    OrderService service =
        new OrderService(
            dataSource,
            (tx, topic, event) -> {
              if (outboxFails.get()) {
                throw new IllegalStateException("outbox unavailable");
              }
              outbox.publish(tx, topic, event);
            },
            SagaEvents.ORDER_EVENTS_TOPIC,
            new SimpleMeterRegistry());
    OrderService orders = service;
    api = TestWeb.start(beans -> beans.registerBean(OrderService.class, () -> orders), OrderApi.class);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    dropDatabase(dataSource);
  }

  @Test
  void aRetryWithTheSameKeyAnswersTheSameAndCreatesNothing() {
    HttpResponse<String> first = post(ORDER, "key-1");
    HttpResponse<String> retry = post(ORDER, "key-1");
    // Same request written differently (60 == 60.00, spacing, field order) and the key quoted as
    // the draft's structured-field string: still the same request with the same key.
    HttpResponse<String> rewritten = post("{\"orderTotal\":60,\"customerId\":\"c-1\"}", "\"key-1\"");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(json(first).get("state").asText()).isEqualTo("PENDING");
    for (HttpResponse<String> again : List.of(retry, rewritten)) {
      assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
      assertThat(again.body()).isEqualTo(first.body());
    }
    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(1);
    assertThat(count("order_idempotency_keys")).isEqualTo(1);
  }

  @Test
  void aReplayRepeatsTheFirstResponseAfterTheOrderMoved() {
    HttpResponse<String> first = post(ORDER, "key-moved");
    String orderId = json(first).get("orderId").asText();
    assertThat(http.post("/orders/" + orderId + "/cancel", "").statusCode()).isEqualTo(202);

    HttpResponse<String> retry = post(ORDER, "key-moved");

    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(http.getJson("/orders/" + orderId).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(2); // OrderCreated, OrderCancelled
  }

  @Test
  void theSameKeyWithAnotherCustomerOrTotalIs422AndCreatesNothing() {
    String orderId = json(post(ORDER, "key-2")).get("orderId").asText();

    assertError(post("{\"customerId\": \"c-1\", \"orderTotal\": 60.01}", "key-2"), 422, "Idempotency-Key");
    assertError(post("{\"customerId\": \"c-2\", \"orderTotal\": 60.00}", "key-2"), 422, "Idempotency-Key");
    assertError(post("{\"customerId\": \"c-1\", \"orderTotal\": 60.00, \"note\": \"ring twice\"}", "key-2"), 422,
        "Idempotency-Key");

    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(1);
    // The key still answers for its own order.
    assertThat(json(post(ORDER, "key-2")).get("orderId").asText()).isEqualTo(orderId);
  }

  @Test
  void aRetryWithTheSameNoteReplaysAndAnotherNoteIs422() {
    String noted = "{\"customerId\": \"c-1\", \"orderTotal\": 60.00, \"note\": \"ring twice\"}";
    String orderId = json(post(noted, "key-note")).get("orderId").asText();

    assertThat(json(post(noted, "key-note")).get("orderId").asText()).isEqualTo(orderId);
    assertError(post(noted.replace("twice", "once"), "key-note"), 422, "Idempotency-Key");
    assertError(post(ORDER, "key-note"), 422, "Idempotency-Key");
    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(1);
  }

  @Test
  void invalidKeysAre400AndStoreNothing() throws IOException {
    for (String key : List.of("", " ", "x".repeat(256), "a b", "a\"b", "a\\b", "\"\"")) {
      HttpResponse<String> response = post(ORDER, key);
      assertThat(response.statusCode()).as("key [%s]: %s", key, response.body()).isEqualTo(400);
      assertError(response, 400, "Idempotency-Key");
    }
    assertError(send(request(ORDER).header("Idempotency-Key", "k").header("Idempotency-Key", "k").build()),
        400, "Idempotency-Key");
    // Non-ASCII, as raw bytes: the JDK client would not send it as is.
    assertThat(rawPost("Idempotency-Key: cl\u00e9")).startsWith("HTTP/1.1 400");
    assertThat(count("orders")).isZero();
    assertThat(count("order_idempotency_keys")).isZero();

    assertThat(post(ORDER, "~".repeat(255)).statusCode()).isEqualTo(202);
    assertThat(count("order_idempotency_keys")).isEqualTo(1);
  }

  @Test
  void aKeyIsRecordedOnlyWithASuccessSoAfterA400OrA500ItCanBeSentAgain() {
    assertError(post("{\"customerId\": \"c-1\"}", "key-3"), 400, "orderTotal");
    outboxFails.set(true);
    assertError(post(ORDER, "key-3"), 500, null);
    assertThat(count("orders")).isZero();
    assertThat(count("order_idempotency_keys")).isZero();

    outboxFails.set(false);
    HttpResponse<String> retry = post(ORDER, "key-3");

    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(1);
  }

  @Test
  void racingRequestsWithOneKeyCreateExactlyOneOrder() throws Exception {
    List<HttpResponse<String>> responses = JsonHttp.concurrently(8, () -> post(ORDER, "key-race"));

    for (HttpResponse<String> response : responses) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(response.body()).isEqualTo(responses.get(0).body());
    }
    assertThat(count("orders")).isEqualTo(1);
    assertThat(count("evently_outbox")).isEqualTo(1);
    assertThat(count("order_idempotency_keys")).isEqualTo(1);
  }

  @Test
  void withoutAKeyEveryRequestCreatesAnOrder() {
    HttpResponse<String> first = http.post("/orders", ORDER);
    HttpResponse<String> second = http.post("/orders", ORDER);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(json(first).get("orderId").asText()).isNotEqualTo(json(second).get("orderId").asText());
    assertThat(count("orders")).isEqualTo(2);
    assertThat(count("evently_outbox")).isEqualTo(2);
    assertThat(count("order_idempotency_keys")).isZero();
  }

  private HttpResponse<String> post(String body, String key) {
    return http.post("/orders", body, Map.of("Idempotency-Key", key));
  }

  private HttpRequest.Builder request(String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/orders"))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** POSTs {@link #ORDER} with {@code header} as UTF-8 bytes on a socket; the response's status line. */
  private String rawPost(String header) throws IOException {
    byte[] body = ORDER.getBytes(StandardCharsets.UTF_8);
    String head = "POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n" + header + "\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  private int count(String table) {
    return TestDatabases.count(dataSource, table);
  }
}
