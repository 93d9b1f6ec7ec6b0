package dev.evently.service;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} (liveness) and {@code GET /health/ready} (readiness) of a service, over its
 * {@link Health}: each answers within the health's deadline (3 s) whatever the dependencies do.
 * The shape is the services' own ({@code demo/README.md}), not Actuator's.
 */
@RestController
public class HealthEndpoint {
  private final Health health;

  public HealthEndpoint(Health health) {
    this.health = health;
  }

  /** 200 {@code UP} or {@code DEGRADED} (a dependency is down); 503 {@code DOWN} when a vital check fails. */
  @GetMapping("/health")
  public ResponseEntity<Map<String, Object>> liveness() {
    return render(health.liveness());
  }

  /** 200 {@code UP} when every check passes, else 503 {@code DOWN}. */
  @GetMapping("/health/ready")
  public ResponseEntity<Map<String, Object>> readiness() {
    return render(health.readiness());
  }

  private static ResponseEntity<Map<String, Object>> render(Health.Answer answer) {
    return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
  }
}
