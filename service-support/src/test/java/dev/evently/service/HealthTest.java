package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void upOnlyWhenEveryCheckPasses() {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> {});
    checks.put("queue", () -> {});

    HttpApi.Response response = new Health(checks).handle(null);

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

    HttpApi.Response response = new Health(checks).handle(null);

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo(Map.of("status", "DOWN", "checks", Map.of("database", "DOWN: Connection refused", "queue", "UP")));
  }
}
