package dev.evently.customers;

import static dev.evently.service.testing.JsonHttp.assertError;
import static dev.evently.service.testing.JsonHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import dev.evently.service.testing.TestWeb;
import dev.evently.service.testing.JsonHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The customer HTTP resources against a real (in-memory H2) database. */
class CustomerApiTest {
  private HikariDataSource dataSource;
  private TestWeb api;
  private final JsonHttp http = new JsonHttp(() -> api.port());

  @BeforeEach
  void start() throws Exception {
    dataSource = Database.open("jdbc:h2:mem:customers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "test", 4);
    Database.migrate(dataSource, "db/customers", "customers_schema_history");
    CustomerService service =
        new CustomerService(dataSource, (tx, topic, event) -> {}, "arn:customer-events", new SimpleMeterRegistry());
    CustomerService customers = service;
    api = TestWeb.start(beans -> beans.registerBean(CustomerService.class, () -> customers), CustomerApi.class);
  }

  @AfterEach
  void stop() {
    api.close();
    dataSource.close();
  }

  @Test
  void createdCustomerIs201AndReadableWithItsFullCredit() throws Exception {
    HttpResponse<String> created = post("/customers", "{\"name\": \"Ada\", \"creditLimit\": 100.00}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = json(created).get("customerId").asText();

    HttpResponse<String> read = get("/customers/" + id);
    assertThat(read.statusCode()).isEqualTo(200);
    JsonNode body = json(read);
    assertThat(body.get("name").asText()).isEqualTo("Ada");
    assertThat(body.get("creditLimit").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(body.get("availableCredit").decimalValue()).isEqualByComparingTo("100.00");
  }

  @Test
  void badRequestsAre400WithTheFieldAtFault() throws Exception {
    assertError(post("/customers", "{oops"), 400, null);
    assertError(post("/customers", "{\"creditLimit\": 1}"), 400, "name");
    assertError(post("/customers", "{\"name\": \"A\"}"), 400, "creditLimit");
    assertError(post("/customers", "{\"name\": \"A\", \"creditLimit\": 0}"), 400, "creditLimit");
    assertError(post("/customers", "{\"name\": \"A\", \"creditLimit\": -1}"), 400, "creditLimit");
    assertError(post("/customers", "{\"name\": \"A\", \"creditLimit\": null}"), 400, "creditLimit");
    assertError(post("/customers", "{\"name\": \"" + "A".repeat(17_000) + "\", \"creditLimit\": 1}"), 400, null);
  }

  @Test
  void unknownCustomerIs404() throws Exception {
    assertError(get("/customers/" + UUID.randomUUID()), 404, null);
  }

  private HttpResponse<String> post(String path, String body) {
    return http.post(path, body);
  }

  private HttpResponse<String> get(String path) {
    return http.get(path);
  }
}
