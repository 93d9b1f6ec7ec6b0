package dev.evently.consume.internal;

import dev.evently.consume.ConsumerStartException;
import dev.evently.consume.Middleware;
import dev.evently.event.DecodedEvent;
import dev.evently.internal.Threads;
import dev.evently.event.EventDecodingException;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A started consumer: wires the {@link Receiver}, {@link Dispatcher}, {@link Pipeline}, {@link
 * Settler}, {@link Acknowledger}, {@link DeadLetterer} and {@link Heartbeat} for one queue, and
 * stops them in order. Created by {@code SqsConsumer.start()}; one use.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  static final long FLUSH_INTERVAL_MILLIS = 50;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final ConsumerConfig config;
  private final QueueSetup setup;
  private final int visibilitySeconds;
  private final Set<InFlightMessage> held = ConcurrentHashMap.newKeySet();
  private final Capacity capacity;
  private final Object idle = new Object();
  private final ConsumerMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService ownedExecutor;
  private final Acknowledger acknowledger;
  private final Settler settler;
  private final Dispatcher dispatcher;
  private final Receiver receiver;
  private final BreakerControl breaker;
  private final PayloadResolver payloads;
  private volatile boolean running;

  private Engine(ConsumerConfig config, QueueSetup setup, int visibilitySeconds) {
    this.config = config;
    this.setup = setup;
    this.visibilitySeconds = visibilitySeconds;
    this.capacity = new Capacity(config.maxHeld());
    String name = config.name();
    this.metrics =
        new ConsumerMetrics(
            config.meterRegistry(), name, config.queueName(), held::size, this::prefetched, this::runningCalls);
    ScheduledThreadPoolExecutor timer = Threads.scheduler("evently-" + name + "-scheduler");
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.scheduler = timer;
    Executor executor = config.executor();
    if (executor == null) {
      this.ownedExecutor = HandlerThreads.executor("evently-" + name + "-handler", config.concurrency());
      executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
    }
    ConsumerTracing tracing =
        config.openTelemetry() == null
            ? null
            : new ConsumerTracing(config.openTelemetry(), config.queueName(), config.linkToProducer());
    this.acknowledger = new Acknowledger(config.client(), setup.queueUrl(), name, metrics, tracing);
    DeadLetterer deadLetterer =
        setup.dlqUrl() == null ? null : new DeadLetterer(config.client(), setup.queueUrl(), setup.dlqUrl(), name);
    Decision.Policy policy = new Decision.Policy(setup.maxReceiveCount(), deadLetterer != null, config.backoff());
    this.settler = new Settler(acknowledger, deadLetterer, policy, metrics, name, setup.fifo(), tracing);
    this.payloads = config.payloadStore() == null ? null : new PayloadResolver(config.payloadStore(), config.codec(), name);
    HandlerTimes times = new HandlerTimes();
    List<Middleware> chain = new ArrayList<>();
    if (tracing != null) {
      chain.add(new TracingMiddleware(tracing));
    }
    chain.add(new MdcMiddleware(name, tracing != null));
    if (config.circuitBreaker() != null) {
      chain.add(new BreakerMiddleware(config.circuitBreaker()));
    }
    chain.add(new MetricsMiddleware(metrics, times));
    chain.addAll(config.middleware());
    this.dispatcher =
        new Dispatcher(
            config.concurrency(),
            setup.fifo(),
            new Pipeline(config.routes(), chain),
            settler,
            executor,
            this::done,
            name);
    this.receiver =
        new Receiver(
            config.client(),
            setup,
            config.waitTimeSeconds(),
            config.visibilityTimeoutSeconds(),
            capacity,
            config.receiveConcurrency(),
            times,
            scheduler,
            this::received,
            this::prefetched,
            config.concurrency(),
            config.prefetch(),
            dispatcher::whenWaitingBelow,
            metrics,
            tracing,
            name);
    if (config.circuitBreaker() == null) {
      this.breaker = null;
    } else {
      this.breaker = new BreakerControl(config.circuitBreaker(), receiver, dispatcher, scheduler, name);
      metrics.breakerState(config.circuitBreaker().breaker().getName(), breaker::stateCode);
    }
  }

  /**
   * Resolves the queue and starts receiving.
   *
   * @throws ConsumerStartException when the queue or its dead-letter queue is missing or unusable
   */
  public static Engine start(ConsumerConfig config) {
    QueueSetup s = QueueSetup.resolve(config.client(), config.queueName(), config.allowMissingDeadLetterQueue());
    Integer override = config.visibilityTimeoutSeconds();
    int vis = override != null ? override : s.visibilityTimeoutSeconds();
    if (vis < 1) {
      throw new ConsumerStartException(
          "queue '" + config.queueName() + "' has VisibilityTimeout 0: set visibilityTimeout(...) on the consumer");
    }
    if (s.dlqUrl() == null) {
      LOG.warn(
          "consumer '{}': queue '{}' has no dead-letter queue; poison messages are retried until they expire",
          config.name(),
          config.queueName());
    }
    Engine engine = new Engine(config, s, vis);
    engine.run();
    return engine;
  }

  private void run() {
    long flush = FLUSH_INTERVAL_MILLIS;
    scheduler.scheduleWithFixedDelay(this::flush, flush, flush, TimeUnit.MILLISECONDS);
    long beat = Heartbeat.periodMillis(visibilitySeconds);
    Heartbeat heartbeat = new Heartbeat(held, acknowledger, visibilitySeconds, config.name());
    scheduler.scheduleWithFixedDelay(heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    running = true;
    LOG.info(
        "consumer '{}' started on {} (concurrency={}, prefetch={}, receiveConcurrency={}, visibility={}s, dlq={},"
            + " handler threads: {})",
        config.name(),
        setup.queueUrl(),
        config.concurrency(),
        config.prefetch(),
        config.receiveConcurrency(),
        visibilitySeconds,
        setup.dlqUrl(),
        config.executor() != null ? "given executor" : HandlerThreads.virtual() ? "virtual" : "platform");
    receiver.start();
    if (breaker != null) {
      breaker.start();
    }
  }

  public boolean isRunning() {
    return running;
  }

  public Throwable lastReceiveError() {
    return receiver.lastError();
  }

  /** Messages held now: prefetched plus running. */
  public int held() {
    return held.size();
  }

  private int prefetched() {
    return dispatcher == null ? 0 : dispatcher.waiting();
  }

  private int runningCalls() {
    return dispatcher == null ? 0 : dispatcher.running();
  }

  // ---- the path of a message

  private void received(List<Message> messages, long receivedNanos) {
    if (!running) {
      acknowledger.releaseNow(messages);
      capacity.release(messages.size());
      return;
    }
    long visNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds);
    long nowMillis = System.currentTimeMillis();
    List<InFlightMessage> batch = new ArrayList<>(messages.size());
    List<CompletableFuture<Void>> fetches = null;
    for (Message message : messages) {
      InFlightMessage m = new InFlightMessage(message, setup, config.name(), receivedNanos, visNanos);
      long sent = m.sentTimestampMillis();
      metrics.received(m.receiveCount(), sent < 0 ? -1 : Math.max(0, nowMillis - sent));
      held.add(m);
      CompletableFuture<Void> fetch = payloads == null ? null : payloads.resolve(m);
      if (fetch == null) {
        decode(m);
      } else if (!fetch.isDone()) {
        fetches = fetches == null ? new ArrayList<>() : fetches;
        fetches.add(fetch);
      }
      batch.add(m);
    }
    if (fetches == null) {
      dispatcher.dispatch(batch);
      return;
    }
    // large events: the whole receive waits for its payloads, so a FIFO group keeps its order
    batch.forEach(m -> m.resolving(true));
    CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).whenComplete((r, t) -> resolved(batch));
  }

  /** The payloads of a receive's large events are fetched: dispatch, or give back when stopping. */
  private void resolved(List<InFlightMessage> batch) {
    if (running) {
      dispatcher.dispatch(batch);
      batch.forEach(m -> m.resolving(false));
      return;
    }
    for (InFlightMessage m : batch) {
      m.resolving(false);
      if (m.abandon()) {
        settler.release(m);
        done(m);
      }
    }
  }

  /**
   * Decodes structured (raw or SNS-wrapped) and binary-mode CloudEvents; an event without {@code
   * time} takes the SNS Timestamp or SQS SentTimestamp (the delivery says so). The body is never
   * logged, not even at DEBUG: it may hold secrets, and the error names the field at fault.
   */
  private void decode(InFlightMessage m) {
    try {
      long sent = m.sentTimestampMillis();
      DecodedEvent decoded =
          config
              .codec()
              .decode(m.message().body(), m.textAttributes(), sent < 0 ? null : Instant.ofEpochMilli(sent));
      m.decoded(decoded.event(), decoded.timeDerived());
    } catch (EventDecodingException e) {
      m.undecodable(e);
      LOG.debug("consumer '{}': message {} cannot be decoded: {}", config.name(), m.messageId(), e.getMessage());
    }
  }

  /** A message is no longer held: settled, or given back. */
  private void done(InFlightMessage m) {
    m.finish();
    held.remove(m);
    capacity.release(1);
    if (held.isEmpty()) {
      acknowledger.flushDeletes(); // nothing else held: acknowledge now instead of at the next tick
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  private void flush() {
    try {
      acknowledger.flush();
    } catch (RuntimeException e) {
      LOG.warn("consumer '{}': flushing acknowledgements failed", config.name(), e);
    }
  }

  // ---- shutdown

  /**
   * Stops receiving, releases unstarted messages at once, waits up to the shutdown timeout for
   * running handlers, cancels idle long polls, and flushes every acknowledgement.
   */
  public void close() {
    running = false;
    receiver.stop();
    dispatcher.closing();
    if (breaker != null) {
      breaker.close();
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    int released = 0;
    for (InFlightMessage m : held) {
      if (!m.isResolving() && dispatcher.release(m)) { // resolving ones are given back by resolved()
        released++;
      }
    }
    acknowledger.flushVisibility();
    boolean idleInTime = awaitIdle(deadline);
    receiver.cancel();
    awaitQuietly(settler.drain());
    // the periodic flush must be over before the last one, or a batch it took from the queue
    // could still be unsent when close() returns (and the caller closes the client)
    stopScheduler();
    awaitQuietly(acknowledger.flushAndDrain());
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (!idleInTime) {
      LOG.warn(
          "consumer '{}': {} handlers still running after {}; their messages will be redelivered",
          config.name(),
          held.size(),
          config.shutdownTimeout());
    }
    LOG.info("consumer '{}' stopped ({} unstarted messages released)", config.name(), released);
  }

  private boolean awaitIdle(long deadlineNanos) {
    synchronized (idle) {
      while (!held.isEmpty()) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(idle, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /** Lets a running task finish (not interrupted: it may be sending a batch), drops the rest. */
  private void stopScheduler() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("consumer '{}': scheduler did not stop within {}", config.name(), DRAIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitQuietly(CompletableFuture<?> future) {
    try {
      future.get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("consumer '{}': draining at shutdown did not complete: {}", config.name(), e.toString());
    }
  }
}
