package dev.evently.consume.internal;

import dev.evently.consume.BatchResult;
import dev.evently.consume.Middleware;
import dev.evently.consume.NonRetryableException;

/**
 * Times every handler call ({@code evently.consumer.handler}, tag {@code outcome} =
 * success/failure/rejected; a batch call once, with outcome success when every event succeeded,
 * else failure) and counts succeeded and failed events. Installed by every consumer, inside
 * {@link MdcMiddleware}.
 */
public final class MetricsMiddleware implements Middleware {
  private final ConsumerMetrics metrics;
  private final HandlerTimes times;

  public MetricsMiddleware(ConsumerMetrics metrics, HandlerTimes times) {
    this.metrics = metrics;
    this.times = times;
  }

  @Override
  public void handle(Chain chain) throws Exception {
    long t0 = System.nanoTime();
    String outcome = "failure";
    try {
      chain.proceed();
      outcome = "success";
    } catch (NonRetryableException e) {
      outcome = "rejected";
      throw e;
    } finally {
      long took = System.nanoTime() - t0;
      times.record(took);
      metrics.handled(outcome, took, 1);
    }
  }

  @Override
  public BatchResult handleBatch(BatchChain chain) throws Exception {
    long t0 = System.nanoTime();
    int size = chain.events().size();
    BatchResult result = null;
    try {
      result = chain.proceed();
      return result;
    } finally {
      long took = System.nanoTime() - t0;
      times.record(took);
      int failed = result == null ? size : Math.min(size, result.failures().size());
      metrics.handled(failed == 0 ? "success" : "failure", took, 0);
      metrics.counted(size - failed, failed);
    }
  }
}
