package dev.evently.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: runs every named check; 200 {@code {"status":"UP", "checks": {...}}} when all
 * pass, 503 with {@code DOWN} and the failing checks' messages otherwise.
 */
public final class Health implements HttpApi.Handler {
  /** One dependency check; throwing means the dependency is unreachable. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private final Map<String, Check> checks;

  public Health(Map<String, Check> checks) {
    this.checks = new LinkedHashMap<>(checks);
  }

  @Override
  public HttpApi.Response handle(HttpApi.Request request) {
    Map<String, String> results = new LinkedHashMap<>();
    boolean up = true;
    for (Map.Entry<String, Check> check : checks.entrySet()) {
      try {
        check.getValue().run();
        results.put(check.getKey(), "UP");
      } catch (Exception e) {
        up = false;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        results.put(check.getKey(), "DOWN: " + message.lines().findFirst().orElse(message));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", results);
    return HttpApi.Response.json(up ? 200 : 503, body);
  }
}
