package dev.evently.customers;

import static dev.evently.service.testing.JsonHttp.assertError;
import static dev.evently.service.testing.JsonHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.testing.TestWeb;
import dev.evently.service.Transactions;
import dev.evently.service.testing.JsonHttp;
import dev.evently.service.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /customers} with an {@code Idempotency-Key}, over real HTTP, against a real database
 * (see the subclasses), counting the rows that were written. The key's syntax is tested once, in
 * service-support's {@code IdempotencyKeyTest}.
 */
abstract class IdempotencyKeyContract {
  private static final String CUSTOMER = "{\"name\": \"Ada\", \"creditLimit\": 100.00}";

  private HikariDataSource dataSource;
  private CustomerService service;
  private TestWeb api;
  private final JsonHttp http = new JsonHttp(() -> api.port());

  /** A new, empty database with the customer service's tables. */
  abstract HikariDataSource openDatabase();

  /** Releases what {@link #openDatabase} made. */
  abstract void dropDatabase(HikariDataSource dataSource);

  @BeforeEach
  void start() throws Exception {
    dataSource = openDatabase();
    service = new CustomerService(dataSource, (tx, topic, event) -> {}, "arn:customer-events", new SimpleMeterRegistry());
    CustomerService customers = service;
    api = TestWeb.start(beans -> beans.registerBean(CustomerService.class, () -> customers), CustomerApi.class);
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
    HttpResponse<String> first = post(CUSTOMER, "key-1");
    HttpResponse<String> retry = post(CUSTOMER, "key-1");
    // The same request written differently (100 == 100.00, field order), the key quoted.
    HttpResponse<String> rewritten = post("{\"creditLimit\":100,\"name\":\"Ada\"}", "\"key-1\"");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    for (HttpResponse<String> again : List.of(retry, rewritten)) {
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
      assertThat(again.body()).isEqualTo(first.body());
    }
    assertThat(count("customers")).isEqualTo(1);
    assertThat(count("customer_idempotency_keys")).isEqualTo(1);
  }

  @Test
  void aReplayRepeatsTheFirstResponseAfterCreditWasReserved() throws Exception {
    HttpResponse<String> first = post(CUSTOMER, "key-moved");
    String customerId = json(first).get("customerId").asText();
    Transactions.inTransaction(dataSource, tx -> {
      new CustomerRepository().insertReservation(tx, new CustomerRepository.Reservation(
          "order-1", customerId, new BigDecimal("40.00"), ReservationState.RESERVED, null));
      return null;
    });

    HttpResponse<String> retry = post(CUSTOMER, "key-moved");

    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(http.getJson("/customers/" + customerId).get("availableCredit").decimalValue())
        .isEqualByComparingTo("60.00");
  }

  @Test
  void theSameKeyWithAnotherNameOrLimitIs422AndCreatesNothing() {
    String customerId = json(post(CUSTOMER, "key-2")).get("customerId").asText();

    assertError(post("{\"name\": \"Ada\", \"creditLimit\": 100.01}", "key-2"), 422, "Idempotency-Key");
    assertError(post("{\"name\": \"Bob\", \"creditLimit\": 100.00}", "key-2"), 422, "Idempotency-Key");

    assertThat(count("customers")).isEqualTo(1);
    // The key still answers for its own customer.
    assertThat(json(post(CUSTOMER, "key-2")).get("customerId").asText()).isEqualTo(customerId);
  }

  @Test
  void invalidKeysAre400AndStoreNothing() {
    for (String key : List.of(" ", "x".repeat(256), "a b", "a\"b", "\"\"")) {
      assertError(post(CUSTOMER, key), 400, "Idempotency-Key");
    }
    assertThat(count("customers")).isZero();
    assertThat(count("customer_idempotency_keys")).isZero();
  }

  @Test
  void aKeyIsRecordedOnlyWithASuccessSoAfterA400ItCanBeSentAgain() {
    assertError(post("{\"name\": \"Ada\"}", "key-3"), 400, "creditLimit");
    assertThat(count("customer_idempotency_keys")).isZero();

    HttpResponse<String> retry = post(CUSTOMER, "key-3");

    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
    assertThat(count("customers")).isEqualTo(1);
  }

  @Test
  void racingRequestsWithOneKeyCreateExactlyOneCustomer() throws Exception {
    List<HttpResponse<String>> responses = JsonHttp.concurrently(8, () -> post(CUSTOMER, "key-race"));

    for (HttpResponse<String> response : responses) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(response.body()).isEqualTo(responses.get(0).body());
    }
    assertThat(count("customers")).isEqualTo(1);
    assertThat(count("customer_idempotency_keys")).isEqualTo(1);
  }

  @Test
  void withoutAKeyEveryRequestCreatesACustomer() {
    HttpResponse<String> first = http.post("/customers", CUSTOMER);
    HttpResponse<String> second = http.post("/customers", CUSTOMER);

    assertThat(json(first).get("customerId").asText()).isNotEqualTo(json(second).get("customerId").asText());
    assertThat(count("customers")).isEqualTo(2);
    assertThat(count("customer_idempotency_keys")).isZero();
  }

  private HttpResponse<String> post(String body, String key) {
    return http.post("/customers", body, Map.of("Idempotency-Key", key));
  }

  private int count(String table) {
    return TestDatabases.count(dataSource, table);
  }
}
