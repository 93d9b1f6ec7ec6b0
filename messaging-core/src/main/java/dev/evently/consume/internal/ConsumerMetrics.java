package dev.evently.consume.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The consumer's Micrometer meters, all tagged with {@code consumer} and {@code queue}. */
public final class ConsumerMetrics {
  public static final String PREFIX = "evently.consumer.";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter received;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter retried;
  private final Counter ackFailed;
  private final Counter receiveCalls;
  private final Counter emptyReceives;
  private final Timer age;
  private final ConcurrentHashMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> handlerTimers = new ConcurrentHashMap<>();

  public ConsumerMetrics(
      MeterRegistry registry,
      String consumer,
      String queue,
      Supplier<Number> inFlight,
      Supplier<Number> prefetched,
      Supplier<Number> running) {
    this.registry = registry;
    this.tags = Tags.of("consumer", consumer, "queue", queue);
    this.received = counter("received", "Messages received");
    this.succeeded = counter("succeeded", "Messages whose handler returned (deleted)");
    this.failed = counter("failed", "Messages whose handler threw a retryable error (left for redelivery)");
    this.retried = counter("retried", "Redeliveries received (ApproximateReceiveCount > 1)");
    this.ackFailed = counter("acknowledgement.failed", "Delete or visibility-change entries SQS refused");
    this.age =
        Timer.builder(PREFIX + "message.age")
            .description("Time from SentTimestamp to receipt")
            .tags(tags)
            .register(registry);
    this.receiveCalls = counter("receive.calls", "ReceiveMessage calls answered (SQS bills each one)");
    this.emptyReceives = counter("receive.empty", "ReceiveMessage calls that brought no message");
    Gauge.builder(PREFIX + "in.flight", inFlight)
        .description("Messages held (prefetched + running)")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "prefetched", prefetched)
        .description("Messages received and waiting for a handler")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "running", running).description("Handler calls running").tags(tags).register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(PREFIX + name).description(description).tags(tags).register(registry);
  }

  /** The state of the consumer's circuit breaker: 0 closed, 1 open, 2 half-open. */
  public void breakerState(String breaker, Supplier<Number> state) {
    Gauge.builder(PREFIX + "breaker.state", state)
        .description("Circuit breaker state: 0 closed, 1 open (not receiving), 2 half-open")
        .tags(tags)
        .tag("breaker", breaker)
        .register(registry);
  }

  public void received(int receiveCount, long ageMillis) {
    received.increment();
    if (receiveCount > 1) {
      retried.increment();
    }
    if (ageMillis >= 0) {
      age.record(ageMillis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A handler call ended with {@code outcome} (success, failure, rejected) after {@code nanos};
   * {@code events} messages are counted as succeeded or failed by that outcome (0: count nothing,
   * see {@link #counted}).
   */
  public void handled(String outcome, long nanos, int events) {
    handlerTimers
        .computeIfAbsent(
            outcome,
            o ->
                Timer.builder(PREFIX + "handler")
                    .description("Handler time")
                    .tags(tags)
                    .tag("outcome", o)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (events > 0 && outcome.equals("success")) {
      succeeded.increment(events);
    } else if (events > 0 && outcome.equals("failure")) {
      failed.increment(events);
    }
  }

  /** Counts the events of a batch call. */
  public void counted(int succeededEvents, int failedEvents) {
    succeeded.increment(succeededEvents);
    failed.increment(failedEvents);
  }

  /** One ReceiveMessage call came back, with or without messages. */
  public void receiveCall(boolean empty) {
    receiveCalls.increment();
    if (empty) {
      emptyReceives.increment();
    }
  }

  public void deadLettered(String reason) {
    deadLettered
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder(PREFIX + "dead.lettered")
                    .description("Messages this consumer moved to the dead-letter queue")
                    .tags(tags)
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  public void acknowledgementFailed(int n) {
    ackFailed.increment(n);
  }
}
