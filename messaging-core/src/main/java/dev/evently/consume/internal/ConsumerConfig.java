package dev.evently.consume.internal;

import dev.evently.retry.Backoff;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.Middleware;
import dev.evently.event.EventCodec;
import dev.evently.payload.PayloadStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A consumer's validated settings, as {@code SqsConsumer.Builder} produced them.
 *
 * @param receiveConcurrency the most ReceiveMessage calls in flight
 * @param visibilityTimeoutSeconds null: the queue's own
 * @param executor null: a consumer-owned pool of {@code concurrency} threads
 * @param middleware the user's, outermost first
 * @param circuitBreaker null: none
 * @param openTelemetry null: no tracing
 * @param linkToProducer process spans link to the producer's context instead of being its children
 * @param payloadStore null: large events' pointers are not resolved
 */
public record ConsumerConfig(
    SqsAsyncClient client,
    String queueName,
    String name,
    EventCodec codec,
    Map<String, Pipeline.Route> routes,
    List<Middleware> middleware,
    int concurrency,
    int prefetch,
    int receiveConcurrency,
    int waitTimeSeconds,
    Integer visibilityTimeoutSeconds,
    Executor executor,
    Backoff backoff,
    boolean allowMissingDeadLetterQueue,
    MeterRegistry meterRegistry,
    Duration shutdownTimeout,
    CircuitBreakerPolicy circuitBreaker,
    OpenTelemetry openTelemetry,
    boolean linkToProducer,
    PayloadStore payloadStore) {

  /**
   * One receive call per 10 messages that may be held (concurrency + prefetch), between 1 and 50:
   * the most in flight (an idle consumer keeps only one long poll open).
   */
  public static int defaultReceiveConcurrency(int maxHeld) {
    return Math.max(1, Math.min(50, (maxHeld + 9) / 10));
  }

  /** The most messages held at once: running plus prefetched. */
  public int maxHeld() {
    return concurrency + prefetch;
  }
}
