package dev.evently.consume.internal;

import dev.evently.internal.Meters;
import dev.evently.tracing.MessagingTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The consumer's Micrometer meters: the {@code evently.consumer.*} ones tagged with {@code
 * consumer} and {@code queue}, and by the OpenTelemetry messaging conventions {@code
 * messaging.client.consumed.messages} and {@code messaging.process.duration}, tagged {@code
 * messaging.system=aws_sqs}, {@code messaging.destination.name} (the queue) and, for a handler
 * call that did not succeed, {@code error.type} ({@code failure} or {@code rejected}).
 */
public final class ConsumerMetrics {
  public static final String PREFIX = "evently.consumer.";
  /**
   * {@code error.type} of a call that succeeded. OpenTelemetry leaves the attribute out then, but
   * Prometheus needs every series of a metric to have the same label names, so it is always set
   * (Micrometer's own {@code exception=none} does the same).
   */
  public static final String NO_ERROR = "none";

  private final Meters meters;
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
  private final Meters semconv;
  private final Counter consumed;
  private final ConcurrentHashMap<String, Timer> processTimers = new ConcurrentHashMap<>();

  public ConsumerMetrics(
      MeterRegistry registry,
      String consumer,
      String queue,
      Supplier<Number> inFlight,
      Supplier<Number> prefetched,
      Supplier<Number> running) {
    this.meters = Meters.of(registry, "consumer", consumer, "queue", queue);
    this.received = meters.counter(PREFIX + "received", "Messages received");
    this.succeeded = meters.counter(PREFIX + "succeeded", "Messages whose handler returned (deleted)");
    this.failed =
        meters.counter(PREFIX + "failed", "Messages whose handler threw a retryable error (left for redelivery)");
    this.retried = meters.counter(PREFIX + "retried", "Redeliveries received (ApproximateReceiveCount > 1)");
    this.ackFailed = meters.counter(PREFIX + "acknowledgement.failed", "Delete or visibility-change entries SQS refused");
    this.receiveCalls = meters.counter(PREFIX + "receive.calls", "ReceiveMessage calls answered (SQS bills each one)");
    this.emptyReceives = meters.counter(PREFIX + "receive.empty", "ReceiveMessage calls that brought no message");
    this.age = meters.timer(PREFIX + "message.age", "Time from SentTimestamp to receipt");
    meters.gauge(PREFIX + "in.flight", "Messages held (prefetched + running)", inFlight);
    meters.gauge(PREFIX + "prefetched", "Messages received and waiting for a handler", prefetched);
    meters.gauge(PREFIX + "running", "Handler calls running", running);
    this.semconv =
        Meters.of(registry, MessagingTracing.SYSTEM.getKey(), MessagingTracing.SQS, MessagingTracing.DESTINATION.getKey(), queue);
    this.consumed =
        semconv.counter("messaging.client.consumed.messages", "Messages delivered to the consumer", "messaging.operation.name", "receive");
  }

  /** The state of the consumer's circuit breaker: 0 closed, 1 open, 2 half-open. */
  public void breakerState(String breaker, Supplier<Number> state) {
    meters.gauge(
        PREFIX + "breaker.state",
        "Circuit breaker state: 0 closed, 1 open (not receiving), 2 half-open",
        state,
        "breaker",
        breaker);
  }

  public void received(int receiveCount, long ageMillis) {
    received.increment();
    consumed.increment();
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
        .computeIfAbsent(outcome, o -> meters.timer(PREFIX + "handler", "Handler time", "outcome", o))
        .record(nanos, TimeUnit.NANOSECONDS);
    processTimers
        .computeIfAbsent(
            outcome,
            o -> semconv.timer("messaging.process.duration", "Duration of processing (handler calls)",
                "messaging.operation.name", "process", "error.type", o.equals("success") ? NO_ERROR : o))
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
                meters.counter(
                    PREFIX + "dead.lettered", "Messages this consumer moved to the dead-letter queue", "reason", r))
        .increment();
  }

  public void acknowledgementFailed(int n) {
    ackFailed.increment(n);
  }
}
