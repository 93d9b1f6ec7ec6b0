package dev.evently.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /health}: runs every named check; 200 {@code {"status":"UP", "checks": {...}}} when all
 * pass, 503 with {@code DOWN} and the failing checks' messages otherwise.
 *
 * <p><b>Deadline.</b> The checks run at once, each on its own thread of this handler, and the answer
 * comes within the deadline ({@link #DEFAULT_DEADLINE} by default) whatever they do: a check that
 * has not finished by then is {@code DOWN: no answer within ... ms}. This is what keeps {@code
 * /health} fast when the database is unreachable, while the pool's own (longer) connection timeout
 * still serves the service's requests. A check still running from an earlier request is not
 * started again: the new request waits for that same run (within its own deadline), so a hung
 * dependency holds at most one thread per check.
 */
public final class Health implements HttpApi.Handler {
  /** The default bound on a {@code /health} answer: 3 s. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(3);

  /** One dependency check; throwing means the dependency is unreachable. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Map<String, Check> checks;
  private final long deadlineNanos;
  private final Map<String, CompletableFuture<Void>> running = new LinkedHashMap<>();
  private final ThreadPoolExecutor executor;

  /** Health over {@code checks}, answering within {@link #DEFAULT_DEADLINE}. */
  public Health(Map<String, Check> checks) {
    this(checks, DEFAULT_DEADLINE);
  }

  /**
   * Health over {@code checks} (run in parallel), answering within {@code deadline}.
   *
   * @throws IllegalArgumentException if {@code deadline} is not positive
   */
  public Health(Map<String, Check> checks, Duration deadline) {
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

  @Override
  public HttpApi.Response handle(HttpApi.Request request) {
    long deadline = System.nanoTime() + deadlineNanos;
    Map<String, CompletableFuture<Void>> runs = start();
    Map<String, String> results = new LinkedHashMap<>();
    boolean up = true;
    for (Map.Entry<String, CompletableFuture<Void>> run : runs.entrySet()) {
      String failure = await(run.getValue(), deadline);
      if (failure == null) {
        results.put(run.getKey(), "UP");
      } else {
        up = false;
        results.put(run.getKey(), "DOWN: " + failure.lines().findFirst().orElse(failure));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", results);
    return HttpApi.Response.json(up ? 200 : 503, body);
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
