package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void upOnlyWhenEveryCheckPasses() {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {});
    checks.put("queue", () -> {});

    Health.Answer response = new Health(checks).readiness();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Map.of("status", "UP", "checks", Map.of("database", "UP", "queue", "UP")));
  }

  @Test
  void aFailingCheckMakesIt503NamingTheDependencyAndWhy() {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {
      throw new SQLException("Connection refused\nsecond line");
    });
    checks.put("queue", () -> {});

    Health.Answer response = new Health(checks).readiness();

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo(Map.of("status", "DOWN", "checks", Map.of("database", "DOWN: Connection refused", "queue", "UP")));
  }

  @Test
  void aCheckThatHangsIsDownAtTheDeadlineAndIsNotStartedAgainWhileItRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {
      runs.incrementAndGet();
      release.await();
    });
    checks.put("queue", () -> {});
    Health health = new Health(checks, Duration.ofMillis(300));
    try {
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        Health.Answer response = health.readiness();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body())
            .isEqualTo(Map.of("status", "DOWN",
                "checks", Map.of("database", "DOWN: no answer within 300 ms", "queue", "UP")));
      }
      assertThat(runs.get()).as("one run, shared by the three requests").isEqualTo(1);
    } finally {
      release.countDown();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> health.readiness().status() == 200);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void livenessStays200WhileOnlyADependencyIsDownAndSaysDegraded() throws Exception {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {
      throw new SQLException("Connection refused");
    });
    checks.put("consumer", () -> {});
    Health health = new Health(checks, java.util.Set.of("consumer"));

    Health.Answer live = health.liveness();
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.body())
        .isEqualTo(
            Map.of(
                "status", "DEGRADED",
                "degraded", true,
                "checks", Map.of("database", "DOWN: Connection refused", "consumer", "UP")));
    assertThat(health.readiness().status()).as("not ready").isEqualTo(503);
  }

  @Test
  void livenessIs503OnlyWhenAVitalCheckFails() throws Exception {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {});
    checks.put("consumer", () -> {
      throw new IllegalStateException("not running");
    });
    Health health = new Health(checks, java.util.Set.of("consumer"));

    Health.Answer live = health.liveness();
    assertThat(live.status()).isEqualTo(503);
    assertThat(live.body()).extracting(b -> ((Map<?, ?>) b).get("status")).isEqualTo("DOWN");
    assertThat(new Health(Map.of("database", () -> {}), java.util.Set.of()).liveness().body())
        .isEqualTo(Map.of("status", "UP", "degraded", false, "checks", Map.of("database", "UP")));
  }
}
