package dev.evently.spring;

import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.payload.PayloadStore;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.EventCodec;
import dev.evently.spring.internal.HandlerMethod;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The auto-configured consumers, one per queue named by an {@link EventlyHandler} method, started
 * and stopped with the application context.
 *
 * <p><b>Start.</b> The consumers are built when the context's singletons are ready (a handler of an
 * unregistered type, two handlers of one type on a queue, a bad option: the context fails naming
 * the method or property) and started in phase {@link #PHASE}, after the web server, the outbox
 * relay and everything of a lower phase. A queue that does not exist, or has no dead-letter queue,
 * fails the start naming it.
 *
 * <p><b>Stop.</b> They stop first ({@link #PHASE} is the highest of the starter's and above the web
 * server's graceful shutdown), all at once: no more receives, prefetched messages are given back at
 * once, running handlers get {@code evently.consumers.<queue>.shutdown-timeout} (default {@code
 * spring.lifecycle.timeout-per-shutdown-phase} less one second) to finish and are acknowledged.
 * Messages of handlers still running then are redelivered after their visibility timeout. The
 * publishers are closed only after this, so handlers may publish until they return.
 *
 * <p>Thread-safe. A stopped context cannot restart its consumers (an {@link SqsConsumer} is not
 * restartable): {@link #start()} after {@link #stop()} is an error.
 */
public final class EventlyConsumers implements SmartLifecycle, AutoCloseable {
  /** Started last and stopped first among the starter's beans: above the web server's shutdown phase. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private static final Logger log = LoggerFactory.getLogger(EventlyConsumers.class);

  /** What the consumers are built from; given by the auto-configuration. */
  record Sources(
      Supplier<SqsAsyncClient> client,
      EventCodec codec,
      EventlyProperties properties,
      Duration phaseTimeout,
      Supplier<MeterRegistry> meterRegistry,
      Supplier<OpenTelemetry> openTelemetry,
      Function<String, Object> beanByName,
      Supplier<List<ConsumerCustomizer>> customizers,
      Supplier<PayloadStore> payloadStore) {}

  private final Sources sources;
  private final Map<String, SqsConsumer> consumers = new LinkedHashMap<>();
  private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
  private boolean running;
  private boolean stopped;

  EventlyConsumers(Sources sources) {
    this.sources = sources;
  }

  /** Builds one consumer per queue; called once, when the context's singletons are ready. */
  synchronized void build(List<HandlerMethod> methods) {
    Map<String, List<HandlerMethod>> byQueue = new LinkedHashMap<>();
    for (HandlerMethod m : methods) {
      byQueue.computeIfAbsent(m.queue(), q -> new ArrayList<>()).add(m);
    }
    for (String queue : sources.properties().consumers().keySet()) {
      if (!byQueue.containsKey(queue)) {
        throw new IllegalStateException("evently.consumers." + queue + " configures queue '" + queue
            + "' but no @EventlyHandler(queue = \"" + queue + "\") method exists (handled queues: "
            + byQueue.keySet() + ")");
      }
    }
    byQueue.forEach((queue, handlers) -> consumers.put(queue, buildConsumer(queue, handlers)));
  }

  private SqsConsumer buildConsumer(String queue, List<HandlerMethod> handlers) {
    EventlyProperties.Consumer options = sources.properties().consumers().get(queue);
    String prefix = "evently.consumers." + queue;
    SqsConsumer.Builder builder =
        SqsConsumer.builder().client(sources.client().get()).queueName(queue).codec(sources.codec());
    Map<Class<?>, HandlerMethod> byType = new LinkedHashMap<>();
    for (HandlerMethod h : handlers) {
      HandlerMethod other = byType.putIfAbsent(h.eventClass(), h);
      if (other != null) {
        throw new IllegalStateException(h.description() + " and " + other.description() + " both handle "
            + h.eventClass().getName() + " on queue '" + queue + "': one handler per event type and queue");
      }
      if (sources.codec().types().nameOf(h.eventClass()).isEmpty()) {
        throw new IllegalStateException(h.description() + " handles " + h.eventClass().getName()
            + ", which is not a registered event type: annotate the record with @EventType(\"...\") in"
            + " evently.event-packages, or declare an EventTypes bean that registers it");
      }
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) h.eventClass();
      builder.handle(type, (dev.evently.consume.DeliveryHandler<Object>) h);
    }
    Duration shutdown = sources.phaseTimeout().minusSeconds(1);
    if (options != null) {
      if (options.concurrency() != null) builder.concurrency(options.concurrency());
      if (options.prefetch() != null) builder.prefetch(options.prefetch());
      if (options.waitTime() != null) builder.waitTime(options.waitTime());
      if (options.visibilityTimeout() != null) builder.visibilityTimeout(options.visibilityTimeout());
      if (options.shutdownTimeout() != null) shutdown = options.shutdownTimeout();
      builder.allowMissingDeadLetterQueue(options.allowMissingDeadLetterQueue());
      if (options.circuitBreaker() != null) {
        CircuitBreakerPolicy policy = circuitBreaker(prefix, options.circuitBreaker());
        breakers.put(queue, policy.breaker());
        builder.circuitBreaker(policy);
      }
    }
    builder.shutdownTimeout(shutdown.isNegative() ? Duration.ZERO : shutdown);
    MeterRegistry registry = sources.meterRegistry().get();
    if (registry != null) {
      builder.meterRegistry(registry);
    }
    PayloadStore payloadStore = sources.payloadStore().get();
    if (payloadStore != null) {
      builder.payloadStore(payloadStore);
    }
    OpenTelemetry openTelemetry = sources.openTelemetry().get();
    if (openTelemetry != null) {
      builder.openTelemetry(openTelemetry);
    }
    for (ConsumerCustomizer customizer : sources.customizers().get()) {
      customizer.customize(queue, builder);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("consumer of queue '" + queue + "' (" + prefix + "): " + e.getMessage(), e);
    }
  }

  private CircuitBreakerPolicy circuitBreaker(String prefix, String beanName) {
    Object bean;
    try {
      bean = sources.beanByName().apply(beanName);
    } catch (RuntimeException e) {
      throw new IllegalStateException(prefix + ".circuit-breaker names bean '" + beanName + "', which does not exist", e);
    }
    if (bean instanceof CircuitBreakerPolicy policy) {
      return policy;
    }
    if (bean instanceof CircuitBreaker breaker) {
      return CircuitBreakerPolicy.of(breaker);
    }
    throw new IllegalStateException(prefix + ".circuit-breaker names bean '" + beanName
        + "', which is neither a CircuitBreakerPolicy nor a resilience4j CircuitBreaker");
  }

  /** The consumers by queue name (empty before the context's singletons are ready). */
  public synchronized Map<String, SqsConsumer> consumers() {
    return Map.copyOf(consumers);
  }

  /** The circuit breaker of a queue's consumer, if {@code evently.consumers.<queue>.circuit-breaker} names one. */
  public synchronized Optional<CircuitBreaker> circuitBreaker(String queue) {
    return Optional.ofNullable(breakers.get(queue));
  }

  /**
   * Starts every consumer whose {@code auto-startup} is not false.
   *
   * @throws dev.evently.consume.ConsumerStartException naming the queue when it does not exist or
   *     lacks a dead-letter queue; the consumers started before it are closed
   */
  @Override
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("the evently consumers were stopped and cannot start again");
    }
    if (running) {
      return;
    }
    try {
      consumers.forEach((queue, consumer) -> {
        EventlyProperties.Consumer options = sources.properties().consumers().get(queue);
        if (options == null || options.autoStartup()) {
          consumer.start();
          log.info("evently consumer started: queue={} concurrency={} prefetch={}", queue,
              consumer.concurrency(), consumer.prefetch());
        }
      });
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    running = true;
  }

  /** Stops all consumers at once and blocks until each has finished (see the class comment). */
  @Override
  public void stop() {
    close();
  }

  /** As {@link #stop()}, on a thread of its own; {@code callback} runs once all have stopped. */
  @Override
  public void stop(Runnable callback) {
    Thread t = new Thread(() -> {
      try {
        close();
      } finally {
        callback.run();
      }
    }, "evently-consumers-stop");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Closes every consumer in parallel; idempotent. Also the bean's destroy method. */
  @Override
  public void close() {
    List<SqsConsumer> toClose;
    synchronized (this) {
      stopped = true;
      running = false;
      toClose = List.copyOf(consumers.values());
    }
    List<Thread> threads = new ArrayList<>();
    for (SqsConsumer consumer : toClose) {
      Thread t = new Thread(consumer::close, "evently-stop-" + consumer.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!toClose.isEmpty()) {
      log.info("evently consumers stopped: {}", consumers().keySet());
    }
  }
}
