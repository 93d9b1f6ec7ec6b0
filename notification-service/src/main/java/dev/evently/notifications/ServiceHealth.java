package dev.evently.notifications;

import dev.evently.consume.SqsConsumer;
import dev.evently.spring.EventlyConsumers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code /health} and {@code /health/ready} in the other services' shape ({@code demo/README.md}),
 * over three checks: {@code database} (a connection answers), {@code queue} (SQS answers for the
 * queue) and {@code consumer} (it runs). Each answer comes within {@link #DEADLINE}: a check that
 * has not finished by then is {@code DOWN: no answer within 3000 ms}; a check still running from
 * an earlier request is awaited, not started again, so a hung dependency holds one thread per check.
 *
 * <ul>
 *   <li>{@code GET /health}, liveness: 200 {@code {"status": "UP", "degraded": false, "checks"}},
 *       or 200 {@code DEGRADED} ({@code "degraded": true}) while the database or SQS is down; 503
 *       {@code DOWN} only when the consumer is not running.
 *   <li>{@code GET /health/ready}, readiness: 200 {@code UP} when every check passes, else 503
 *       {@code DOWN}; {@code checks} names each one as {@code UP} or {@code DOWN: why}.
 * </ul>
 */
@RestController
class ServiceHealth {
  static final Duration DEADLINE = Duration.ofSeconds(3);

  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }

  private final Map<String, Check> checks = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "health-check");
    t.setDaemon(true);
    return t;
  });

  ServiceHealth(DataSource dataSource, EventlyConsumers consumers, SqsAsyncClient sqs,
      @Value("${notification.queue}") String queue) {
    checks.put("database", () -> ping(dataSource));
    checks.put("queue", () -> sqs.getQueueUrl(r -> r.queueName(queue))
        .thenCompose(url -> sqs.getQueueAttributes(r -> r.queueUrl(url.queueUrl())
            .attributeNames(QueueAttributeName.QUEUE_ARN)))
        .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    checks.put("consumer", () -> {
      SqsConsumer consumer = consumers.consumers().get(queue);
      if (consumer == null || !consumer.isRunning()) {
        throw new IllegalStateException("not running");
      }
    });
  }

  @GetMapping("/health")
  ResponseEntity<Map<String, Object>> liveness() {
    Map<String, String> results = results();
    boolean alive = "UP".equals(results.get("consumer"));
    boolean degraded = !results.values().stream().allMatch("UP"::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !alive ? "DOWN" : degraded ? "DEGRADED" : "UP");
    body.put("degraded", degraded);
    body.put("checks", results);
    return ResponseEntity.status(alive ? 200 : 503).body(body);
  }

  @GetMapping("/health/ready")
  ResponseEntity<Map<String, Object>> readiness() {
    Map<String, String> results = results();
    boolean up = results.values().stream().allMatch("UP"::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", results);
    return ResponseEntity.status(up ? 200 : 503).body(body);
  }

  private Map<String, String> results() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Map<String, CompletableFuture<Void>> runs = new LinkedHashMap<>();
    checks.forEach((name, check) -> runs.put(name, running.compute(name,
        (n, run) -> run != null && !run.isDone() ? run : CompletableFuture.runAsync(() -> {
          try {
            check.run();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, executor))));
    Map<String, String> results = new LinkedHashMap<>();
    runs.forEach((name, run) -> {
      String failure = failure(run, deadline);
      results.put(name, failure == null ? "UP" : "DOWN: " + failure);
    });
    return results;
  }

  /** Null when {@code run} passed by {@code deadline}, else why not (an exception's class and first line). */
  private static String failure(CompletableFuture<Void> run, long deadline) {
    try {
      run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (TimeoutException e) {
      return "no answer within " + DEADLINE.toMillis() + " ms";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while ((cause instanceof IllegalStateException || cause instanceof ExecutionException
          || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return message.lines().findFirst().orElse(message);
    }
  }

  private static void ping(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!c.isValid(2)) {
        throw new SQLException("connection is not valid");
      }
    }
  }
}
