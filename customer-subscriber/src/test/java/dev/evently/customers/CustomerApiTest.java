package dev.evently.customers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import dev.evently.service.HttpApi;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The customer HTTP resources against a real (in-memory H2) database. */
class CustomerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private HikariDataSource dataSource;
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    dataSource = Database.open("jdbc:h2:mem:customers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "test", 4);
    Database.migrate(dataSource, "db/customers", "customers_schema_history");
    CustomerService service =
        new CustomerService(dataSource, (tx, topic, event) -> {}, "arn:customer-events", new SimpleMeterRegistry());
    api = new CustomerApi(service).routes(HttpApi.builder().port(0)).start();
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
    String id = JSON.readTree(created.body()).get("customerId").asText();

    HttpResponse<String> read = get("/customers/" + id);
    assertThat(read.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(read.body());
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

  private static void assertError(HttpResponse<String> response, int status, String field) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isNotBlank();
    if (field != null) {
      assertThat(body.get("field").asText()).isEqualTo(field);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }
}
