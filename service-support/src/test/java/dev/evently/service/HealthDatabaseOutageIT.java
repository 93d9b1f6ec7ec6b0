package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.localstack.TcpProxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness ({@code /health/ready}) with the services' own pool ({@link Database#open}, 10 s connection timeout) on
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
  private Health health;

  @BeforeEach
  void start() throws Exception {
    String hostPort = POSTGRES_URL.replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");
    String[] parts = hostPort.split(":");
    proxy = TcpProxy.start(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 5432);
    String viaProxy = POSTGRES_URL.replace(hostPort, "127.0.0.1:" + proxy.port())
        + (POSTGRES_URL.contains("?") ? "&" : "?") + "user=" + POSTGRES_USER;
    ds = Database.open(viaProxy, "health-outage", 4);
    Map<String, Health.Check> checks = Map.of("database", () -> Database.ping(ds, 2));
    health = new Health(checks);
  }

  @AfterEach
  void stop() {
    ds.close();
    proxy.close();
  }

  @Test
  void aCutDatabaseIs503WithinTheDeadlineAndUpAgainAfterTheRestore() {
    assertThat(health.readiness().status()).isEqualTo(200);
    assertThat(ds.getConnectionTimeout()).as("requests still wait the pool's full timeout").isEqualTo(10_000);

    proxy.cut();
    // as the service's own traffic does in an outage: the broken connections are discarded, so the
    // pool has none to lend and keeps trying to open one for its whole connection timeout
    ds.getHikariPoolMXBean().softEvictConnections();
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 0);
    long start = System.nanoTime();
    Health.Answer response = await().atMost(BOUND).until(health::readiness, r -> r.status() == 503);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.body()).containsEntry("status", "DOWN");
    assertThat(response.body().get("checks").toString()).contains("database=DOWN");
    assertThat(tookMs).as("first 503 after the cut, ms").isLessThan(BOUND.toMillis());

    // a second request while the first check is still waiting for a connection: bounded as well
    long again = System.nanoTime();
    assertThat(health.readiness().status()).isEqualTo(503);
    assertThat((System.nanoTime() - again) / 1_000_000).isLessThan(BOUND.toMillis());

    proxy.restore();
    await().atMost(Duration.ofSeconds(15)).until(() -> health.readiness().status() == 200);
  }
}
