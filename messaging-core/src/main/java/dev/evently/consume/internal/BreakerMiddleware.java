package dev.evently.consume.internal;

import dev.evently.consume.BatchResult;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.Middleware;
import dev.evently.event.Event;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the consumer's circuit breaker: asks its permission before each handler call, records a
 * success, a systemic failure as an error, and any other failure as nothing (a bug in one event
 * type must not stop the others). When the breaker is (or just became) open, the call ends with
 * {@link CircuitOpenException} so that the message is held back instead of retried; a systemic
 * failure while it is still closed is retried as usual. Sits outside the metrics and user
 * middleware.
 */
public final class BreakerMiddleware implements Middleware {
  private final CircuitBreakerPolicy policy;
  private final CircuitBreaker breaker;

  public BreakerMiddleware(CircuitBreakerPolicy policy) {
    this.policy = policy;
    this.breaker = policy.breaker();
  }

  /** Whole seconds an open breaker waits before half-open (at least 1). */
  int waitSeconds() {
    long millis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    return (int) Math.max(1, Math.min(43_200, (millis + 999) / 1000));
  }

  private boolean isOpen() {
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  @Override
  public void handle(Chain chain) throws Exception {
    if (!breaker.tryAcquirePermission()) {
      throw new CircuitOpenException(breaker.getName(), null, waitSeconds());
    }
    long t0 = System.nanoTime();
    try {
      chain.proceed();
    } catch (Throwable t) {
      onFailure(t, System.nanoTime() - t0);
      throw t;
    }
    breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
  }

  @Override
  public BatchResult handleBatch(BatchChain chain) throws Exception {
    if (!breaker.tryAcquirePermission()) {
      throw new CircuitOpenException(breaker.getName(), null, waitSeconds());
    }
    long t0 = System.nanoTime();
    BatchResult result;
    try {
      result = chain.proceed();
    } catch (Throwable t) {
      onFailure(t, System.nanoTime() - t0);
      throw t;
    }
    long took = System.nanoTime() - t0;
    Throwable systemic = null;
    if (result != null) {
      for (Throwable cause : result.failures().values()) {
        if (policy.isSystemic(cause)) {
          systemic = cause;
          break;
        }
      }
    }
    if (systemic == null) {
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      return result;
    }
    breaker.onError(took, TimeUnit.NANOSECONDS, systemic);
    if (!isOpen()) {
      return result;
    }
    BatchResult.Builder held = BatchResult.builder();
    for (Map.Entry<Event<?>, Throwable> f : result.failures().entrySet()) {
      Throwable cause = f.getValue();
      held.failed(
          f.getKey(), policy.isSystemic(cause) ? new CircuitOpenException(breaker.getName(), cause, waitSeconds()) : cause);
    }
    return held.build();
  }

  /** Records {@code t}; throws {@link CircuitOpenException} when it was systemic and the breaker is now open. */
  private void onFailure(Throwable t, long nanos) {
    if (!policy.isSystemic(t)) {
      breaker.releasePermission();
      return;
    }
    breaker.onError(nanos, TimeUnit.NANOSECONDS, t);
    if (isOpen()) {
      throw new CircuitOpenException(breaker.getName(), t, waitSeconds());
    }
  }
}
