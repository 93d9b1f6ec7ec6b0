package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.localstack.TcpProxy;
import dev.evently.service.testing.JsonHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} with the services' own pool ({@link Database#open}, 10 s connection timeout) on
 * PostgreSQL behind a TCP proxy: a cut database is reported within the health deadline, not after
 * the pool's connection timeout.
 */
class HealthDatabaseOutageIT {
  private static final String POSTGRES_URL =
      System.getProperty("evently.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String POSTGRES_USER = System.getProperty("evently.test.postgres.user", "postgres");
  /** The deadline plus room for a loaded machine; well below the pool's 10 s connection timeout. */
  private static final Duration BOUND = Health.DEFAULT_DEADLINE.plusMillis(1500);

  private TcpProxy proxy;
  private HikariDataSource ds;
  private HttpApi http;
  private JsonHttp client;

  @BeforeEach
  void start() throws Exception {
    String hostPort = POSTGRES_URL.replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");
    String[] parts = hostPort.split(":");
    proxy = TcpProxy.start(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 5432);
    String viaProxy = POSTGRES_URL.replace(hostPort, "127.0.0.1:" + proxy.port())
        + (POSTGRES_URL.contains("?") ? "&" : "?") + "user=" + POSTGRES_USER;
    ds = Database.open(viaProxy, "health-outage", 4);
    Map<String, Health.Check> checks = Map.of("database", () -> Database.ping(ds, 2));
    http = HttpApi.builder().port(0).route("GET", "/health", new Health(checks)).start();
    client = new JsonHttp(http::port);
  }

  @AfterEach
  void stop() {
    http.close();
    ds.close();
    proxy.close();
  }

  @Test
  void aCutDatabaseIs503WithinTheDeadlineAndUpAgainAfterTheRestore() {
    assertThat(client.get("/health").statusCode()).isEqualTo(200);
    assertThat(ds.getConnectionTimeout()).as("requests still wait the pool's full timeout").isEqualTo(10_000);

    proxy.cut();
    // as the service's own traffic does in an outage: the broken connections are discarded, so the
    // pool has none to lend and keeps trying to open one for its whole connection timeout
    ds.getHikariPoolMXBean().softEvictConnections();
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 0);
    long start = System.nanoTime();
    HttpResponse<String> response =
        await().atMost(BOUND).until(() -> client.get("/health"), r -> r.statusCode() == 503);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    JsonNode body = JsonHttp.json(response);
    assertThat(body.path("status").asText()).isEqualTo("DOWN");
    assertThat(body.path("checks").path("database").asText()).startsWith("DOWN");
    assertThat(tookMs).as("first 503 after the cut, ms").isLessThan(BOUND.toMillis());

    // a second request while the first check is still waiting for a connection: bounded as well
    long again = System.nanoTime();
    assertThat(client.get("/health").statusCode()).isEqualTo(503);
    assertThat((System.nanoTime() - again) / 1_000_000).isLessThan(BOUND.toMillis());

    proxy.restore();
    await().atMost(Duration.ofSeconds(15)).until(() -> client.get("/health").statusCode() == 200);
  }
}
