package dev.evently.orders;

import static dev.evently.service.testing.JsonHttp.assertError;
import static dev.evently.service.testing.JsonHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.event.Event;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.service.Database;
import dev.evently.service.testing.TestWeb;
import dev.evently.service.Transactions;
import dev.evently.service.testing.JsonHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order HTTP resources against a real (in-memory H2) database and a recording outbox. */
class OrderApiTest {
  private final List<Event<?>> published = new CopyOnWriteArrayList<>();
  private final AtomicBoolean outboxFails = new AtomicBoolean();
  private HikariDataSource dataSource;
  private OrderService service;
  private TestWeb api;
  private final JsonHttp http = new JsonHttp(() -> api.port());

  @BeforeEach
  void start() throws Exception {
    dataSource = Database.open("jdbc:h2:mem:orders-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "test", 4);
    Database.migrate(dataSource, "db/orders", "orders_schema_history");
    service =
        new OrderService(
            dataSource,
            (tx, topicArn, event) -> {
              if (outboxFails.get()) {
                throw new IllegalStateException("outbox unavailable");
              }
              published.add(event);
            },
            "arn:aws:sns:us-east-1:000000000000:order-events",
            new SimpleMeterRegistry());
    OrderService orders = service;
    api = TestWeb.start(beans -> beans.registerBean(OrderService.class, () -> orders), OrderApi.class);
  }

  @AfterEach
  void stop() {
    api.close();
    dataSource.close();
  }

  @Test
  void placingAnOrderAnswers202PendingAndEmitsOrderCreated() throws Exception {
    HttpResponse<String> response = post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 60.00}");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode body = json(response);
    assertThat(body.get("state").asText()).isEqualTo("PENDING");
    String orderId = body.get("orderId").asText();
    assertThat(published).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(OrderCreated.TYPE);
      assertThat(e.data()).isEqualTo(new OrderCreated(orderId, "c-1", new BigDecimal("60.00")));
    });

    JsonNode order = http.getJson("/orders/" + orderId);
    assertThat(order.get("customerId").asText()).isEqualTo("c-1");
    assertThat(order.get("orderTotal").decimalValue()).isEqualByComparingTo("60.00");
    assertThat(order.get("state").asText()).isEqualTo("PENDING");
    assertThat(order.get("rejectionReason").isNull()).isTrue();
  }

  @Test
  void malformedJsonIs400WithAJsonError() throws Exception {
    assertError(post("/orders", "{\"customerId\": "), 400, null);
    assertError(post("/orders", "[1, 2]"), 400, null);
    assertError(post("/orders", ""), 400, null);
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": 1} trailing"), 400, null);
  }

  @Test
  void missingOrInvalidFieldsAre400NamingTheField() throws Exception {
    assertError(post("/orders", "{\"orderTotal\": 10}"), 400, "customerId");
    assertError(post("/orders", "{\"customerId\": \"c\"}"), 400, "orderTotal");
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": 0}"), 400, "orderTotal");
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": -5.00}"), 400, "orderTotal");
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": \"10\"}"), 400, "orderTotal");
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": 1.001}"), 400, "orderTotal");
    assertError(post("/orders", "{\"customerId\": \"  \", \"orderTotal\": 1}"), 400, "customerId");
    assertError(post("/orders", "{\"customerId\": 7, \"orderTotal\": 1}"), 400, "customerId");
    assertError(post("/orders", "{\"customerId\": \"c\", \"orderTotal\": 1, \"x\": 1}"), 400, "x");
    assertThat(published).isEmpty();
    assertThat(orderCount()).isZero();
  }

  @Test
  void oversizedBodyIs400AndNothingIsStored() throws Exception {
    String huge = "{\"customerId\": \"" + "x".repeat(20_000) + "\", \"orderTotal\": 1}";
    assertError(post("/orders", huge), 400, null);
    assertThat(orderCount()).isZero();
  }

  @Test
  void aNoteUpTo900KiBTravelsInOrderCreatedOnlyAndALongerOneIs400() throws Exception {
    String note = "ß".repeat(400 * 1024) + "\nsecond line"; // 800 KiB of UTF-8, over SNS's 256 KiB
    HttpResponse<String> response =
        post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 60.00, \"note\": \"" + note.replace("\n", "\\n") + "\"}");

    assertThat(response.statusCode()).isEqualTo(202);
    String orderId = json(response).get("orderId").asText();
    assertThat(published).singleElement().satisfies(e ->
        assertThat(e.data()).isEqualTo(new OrderCreated(orderId, "c-1", new BigDecimal("60.00"), note)));
    assertThat(http.getJson("/orders/" + orderId).has("note")).as("the order does not keep the note").isFalse();

    String tooLong = "x".repeat(900 * 1024 + 1);
    assertError(post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 1, \"note\": \"" + tooLong + "\"}"), 400, "note");
    assertError(post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 1, \"note\": 7}"), 400, "note");
    assertError(post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 1, \"note\": \"" + "x".repeat(1024 * 1024) + "\"}"),
        400, null); // over POST /orders' 1 MiB body
    assertError(post("/orders/" + orderId + "/cancel", "x".repeat(17 * 1024)), 400, null); // other routes: 16 KiB
    assertThat(published).hasSize(1);
  }

  @Test
  void unknownIdsAre404AndUnknownPaths404And405() throws Exception {
    assertError(get("/orders/nope"), 404, null);
    assertError(post("/orders/nope/cancel", ""), 404, null);
    assertError(get("/nothing-here"), 404, null);
    assertError(get("/orders"), 405, null);
  }

  @Test
  void cancellingAPendingOrderEmitsOrderCancelledAndASecondCancelIs409() throws Exception {
    String orderId = placeOrder();

    HttpResponse<String> cancelled = post("/orders/" + orderId + "/cancel", "");
    assertThat(cancelled.statusCode()).isEqualTo(202);
    assertThat(json(cancelled).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(published).last().satisfies(e -> assertThat(e.data()).isEqualTo(new OrderCancelled(orderId, "c-1")));

    assertError(post("/orders/" + orderId + "/cancel", ""), 409, null);
  }

  @Test
  void cancellingARejectedOrderIs409AndEmitsNothing() throws Exception {
    String orderId = placeOrder();
    Transactions.inTransaction(dataSource, tx -> {
      service.onCreditReservationFailed(
          Event.of(CustomerCreditReservationFailed.TYPE, "customer-service",
              new CustomerCreditReservationFailed(orderId, "c-1", "credit limit exceeded")), tx);
      return null;
    });
    int before = published.size();

    assertError(post("/orders/" + orderId + "/cancel", ""), 409, null);
    JsonNode order = http.getJson("/orders/" + orderId);
    assertThat(order.get("state").asText()).isEqualTo("REJECTED");
    assertThat(order.get("rejectionReason").asText()).isEqualTo("credit limit exceeded");
    assertThat(published).hasSize(before);
  }

  @Test
  void lateAndDuplicatedRepliesDoNotChangeAFinalOrder() throws Exception {
    String orderId = placeOrder();
    Event<CustomerCreditReserved> reserved =
        Event.of(CustomerCreditReserved.TYPE, "customer-service", new CustomerCreditReserved(orderId, "c-1"));
    Event<CustomerCreditReservationFailed> failed =
        Event.of(CustomerCreditReservationFailed.TYPE, "customer-service",
            new CustomerCreditReservationFailed(orderId, "c-1", "credit limit exceeded"));
    Transactions.inTransaction(dataSource, tx -> {
      service.onCreditReserved(reserved, tx);
      service.onCreditReservationFailed(failed, tx);
      service.onCreditReserved(reserved, tx);
      return null;
    });
    assertThat(service.find(orderId)).get().extracting(Order::state).isEqualTo(OrderState.APPROVED);
  }

  @Test
  void anOutboxFailureLeavesNoHalfWrittenOrder() throws Exception {
    outboxFails.set(true);
    HttpResponse<String> response = post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 5}");
    assertError(response, 500, null);
    assertThat(response.body()).doesNotContain("outbox unavailable").doesNotContain("Exception");
    assertThat(orderCount()).isZero();
  }

  private String placeOrder() throws Exception {
    return json(post("/orders", "{\"customerId\": \"c-1\", \"orderTotal\": 60}"))
        .get("orderId").asText();
  }

  private int orderCount() {
    return Transactions.inTransaction(dataSource, tx -> {
      try (ResultSet rs = tx.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  private HttpResponse<String> post(String path, String body) {
    return http.post(path, body);
  }

  private HttpResponse<String> get(String path) {
    return http.get(path);
  }
}
