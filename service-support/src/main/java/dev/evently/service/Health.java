package dev.evently.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Health over named checks, in two views.
 *
 * <ul>
 *   <li>Readiness ({@link #readiness}, the services' {@code GET /health/ready}): 200 {@code
 *       {"status":"UP", "checks": {...}}} when every check passes, 503 with {@code DOWN} and the
 *       failing checks' messages otherwise. Route traffic by it.
 *   <li>Liveness ({@link #liveness()}, the services' {@code GET /health}): 200 while every
 *       <em>vital</em> check passes, with {@code "status": "UP"}, or {@code "DEGRADED"} and {@code
 *       "degraded": true} when a dependency is down (a restart would not bring the database back;
 *       the consumer's circuit breaker waits for it instead); 503 {@code DOWN} only when a vital
 *       check fails (the process itself is broken). Restart by it.
 * </ul>
 *
 * <p>{@link HealthEndpoint} serves both views over HTTP. Thread-safe.
 *
 * <p><b>Deadline.</b> The checks run at once, each on its own thread of this handler, and the answer
 * comes within the deadline ({@link #DEFAULT_DEADLINE} by default) whatever they do: a check that
 * has not finished by then is {@code DOWN: no answer within ... ms}. This is what keeps {@code
 * /health} fast when the database is unreachable, while the pool's own (longer) connection timeout
 * still serves the service's requests. A check still running from an earlier request is not
 * started again: the new request waits for that same run (within its own deadline), so a hung
 * dependency holds at most one thread per check.
 */
public final class Health {
  /** The default bound on a {@code /health} answer: 3 s. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(3);

  /** One dependency check; throwing means the dependency is unreachable. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Map<String, Check> checks;
  private final Set<String> vital;
  private final long deadlineNanos;
  private final Map<String, CompletableFuture<Void>> running = new LinkedHashMap<>();
  private final ThreadPoolExecutor executor;

  /** Health over {@code checks}, answering within {@link #DEFAULT_DEADLINE}. */
  public Health(Map<String, Check> checks) {
    this(checks, DEFAULT_DEADLINE);
  }

  /** Health over {@code checks}, of which those named in {@code vital} decide liveness. */
  public Health(Map<String, Check> checks, Set<String> vital) {
    this(checks, vital, DEFAULT_DEADLINE);
  }

  /**
   * Health over {@code checks} (run in parallel), answering within {@code deadline}.
   *
   * @throws IllegalArgumentException if {@code deadline} is not positive
   */
  public Health(Map<String, Check> checks, Duration deadline) {
    this(checks, Set.of(), deadline);
  }

  /**
   * Health over {@code checks} (run in parallel), answering within {@code deadline}; {@code vital}
   * names the checks whose failure means the process itself is broken.
   *
   * @throws IllegalArgumentException if {@code deadline} is not positive or a vital check is unknown
   */
  public Health(Map<String, Check> checks, Set<String> vital, Duration deadline) {
    if (!checks.keySet().containsAll(vital)) {
      throw new IllegalArgumentException("vital must name checks: " + vital + " not all in " + checks.keySet());
    }
    this.vital = Set.copyOf(vital);
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be > 0");
    }
    this.checks = new LinkedHashMap<>(checks);
    this.deadlineNanos = deadline.toNanos();
    int threads = Math.max(1, this.checks.size());
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "health-" + instance + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** An answer: the HTTP status and the JSON body. */
  public record Answer(int status, Map<String, Object> body) {}

  /** Readiness: 200 when every check passes, else 503. */
  public Answer readiness() {
    Map<String, String> results = results();
    boolean up = results.values().stream().allMatch("UP"::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", results);
    return new Answer(up ? 200 : 503, body);
  }

  /** Liveness: 503 only when a vital check fails; a failing dependency is 200 DEGRADED. */
  public Answer liveness() {
    Map<String, String> results = results();
    boolean alive = vital.stream().allMatch(name -> "UP".equals(results.get(name)));
    boolean degraded = !results.values().stream().allMatch("UP"::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !alive ? "DOWN" : degraded ? "DEGRADED" : "UP");
    body.put("degraded", degraded);
    body.put("checks", results);
    return new Answer(alive ? 200 : 503, body);
  }

  /** Every check's result ("UP" or "DOWN: why"), within the deadline. */
  private Map<String, String> results() {
    long deadline = System.nanoTime() + deadlineNanos;
    Map<String, CompletableFuture<Void>> runs = start();
    Map<String, String> results = new LinkedHashMap<>();
    for (Map.Entry<String, CompletableFuture<Void>> run : runs.entrySet()) {
      String failure = await(run.getValue(), deadline);
      results.put(run.getKey(), failure == null ? "UP" : "DOWN: " + failure.lines().findFirst().orElse(failure));
    }
    return results;
  }

  /** The run of every check: the one still in progress, or a new one. */
  private synchronized Map<String, CompletableFuture<Void>> start() {
    Map<String, CompletableFuture<Void>> runs = new LinkedHashMap<>();
    for (Map.Entry<String, Check> check : checks.entrySet()) {
      CompletableFuture<Void> run = running.get(check.getKey());
      if (run == null || run.isDone()) {
        Check c = check.getValue();
        run =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    c.run();
                  } catch (RuntimeException e) {
                    throw e;
                  } catch (Exception e) {
                    throw new CheckFailed(e);
                  }
                },
                executor);
        running.put(check.getKey(), run);
      }
      runs.put(check.getKey(), run);
    }
    return runs;
  }

  /** Null when {@code run} passed by {@code deadline}, otherwise why not. */
  private String await(CompletableFuture<Void> run, long deadline) {
    try {
      run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (TimeoutException e) {
      return "no answer within " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CheckFailed f ? f.getCause() : e.getCause();
      return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Carries a check's checked exception out of the executor. */
  private static final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(Exception cause) {
      super(cause);
    }
  }
}
