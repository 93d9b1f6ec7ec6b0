package dev.evently.consume;

import dev.evently.consume.internal.ConsumerConfig;
import dev.evently.consume.internal.Decision;
import dev.evently.consume.internal.Engine;
import dev.evently.consume.internal.MdcMiddleware;
import dev.evently.consume.internal.Pipeline;
import dev.evently.event.EventCodec;
import dev.evently.internal.Checks;
import dev.evently.payload.PayloadStore;
import dev.evently.retry.Backoff;
import dev.evently.tracing.MessagingTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Consumes one SQS queue: long-polls it, decodes each message (raw CloudEvent or SNS
 * notification) and runs the handler registered for its event type, through the consumer's
 * {@link Middleware}. A handler that returns has its message deleted; one that throws has it
 * retried after the {@link Backoff} for its receive count (the queue's redrive policy moves it to
 * the dead-letter queue after {@code maxReceiveCount}, at once after the last allowed attempt);
 * poison (undecodable, no handler for its type, or {@link NonRetryableException}) is copied to the
 * dead-letter queue with {@code dlq-*} reason attributes and deleted once the copy is stored.
 *
 * <p>Two bounds: at most {@code concurrency} handler calls run at once, and at most {@code
 * concurrency + prefetch} messages are held (received and not yet settled). Prefetched messages
 * wait for a handler slot so that handlers never wait for a receive call; like running ones, they
 * stay invisible (the heartbeat extends them, never past 12 hours from receipt) and are given back
 * at once by {@link #close()}. See {@code docs/consumer.md}.
 *
 * <p>{@link #start()} resolves the queue and its dead-letter queue (it never creates queues) and
 * starts receiving; {@link #close()} stops gracefully. Thread-safe. A started consumer is not
 * restartable: build a new one.
 */
public final class SqsConsumer implements AutoCloseable {
  /** {@code dlq-reason} of a message whose handler threw {@link NonRetryableException}. */
  public static final String HANDLER_REJECTED = Decision.HANDLER_REJECTED;

  /** MDC keys set around each handler call. */
  public static final String MDC_CONSUMER = MdcMiddleware.CONSUMER;
  public static final String MDC_EVENT_ID = MdcMiddleware.EVENT_ID;
  public static final String MDC_EVENT_TYPE = MdcMiddleware.EVENT_TYPE;
  public static final String MDC_CORRELATION_ID = MdcMiddleware.CORRELATION_ID;
  public static final String MDC_MESSAGE_ID = MdcMiddleware.MESSAGE_ID;

  /** The default retry delay: 1 s after the first failed attempt, doubling, at most 5 minutes, up to 20% jitter. */
  public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2);

  private static final Duration MAX_VISIBILITY = Duration.ofSeconds(Decision.MAX_VISIBILITY_SECONDS);
  /** Default handler calls at once. */
  public static final int DEFAULT_CONCURRENCY = 10;
  /** Default bound on messages waiting for a handler; why this value: docs/consumer.md. */
  public static final int DEFAULT_PREFETCH = 500;

  private final ConsumerConfig config;
  private Engine engine;
  private boolean closed;

  private SqsConsumer(ConsumerConfig config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies the queue and starts receiving.
   *
   * @return this consumer
   * @throws ConsumerStartException when the queue does not exist, has no dead-letter queue (unless
   *     {@link Builder#allowMissingDeadLetterQueue(boolean) allowed}), or SQS cannot be reached
   * @throws IllegalStateException when already started or closed
   */
  public synchronized SqsConsumer start() {
    if (closed) {
      throw new IllegalStateException("consumer '" + config.name() + "' is closed; build a new one");
    }
    if (engine != null) {
      throw new IllegalStateException("consumer '" + config.name() + "' is already started");
    }
    engine = Engine.start(config);
    return this;
  }

  /** The name used in metrics, MDC and logs (the queue name unless set). */
  public String name() {
    return config.name();
  }

  /** The most handler calls at once. */
  public int concurrency() {
    return config.concurrency();
  }

  /** The most messages held beyond the running ones. */
  public int prefetch() {
    return config.prefetch();
  }

  /** True between a successful {@link #start()} and {@link #close()}. */
  public boolean isRunning() {
    Engine e = currentEngine();
    return e != null && e.isRunning();
  }

  /** Messages held now (prefetched + running); 0 before start. At most concurrency + prefetch. */
  public int held() {
    Engine e = currentEngine();
    return e == null ? 0 : e.held();
  }

  /**
   * The error of the latest receive call if it failed (the consumer keeps retrying with
   * backoff); empty once a receive succeeds again. For health checks.
   */
  public Optional<Throwable> lastReceiveError() {
    Engine e = currentEngine();
    return e == null ? Optional.empty() : Optional.ofNullable(e.lastReceiveError());
  }

  /**
   * Stops gracefully: no more receives; messages received but not yet started (prefetched) are
   * made visible again at once; running handlers get up to {@code shutdownTimeout} to finish and
   * their results are acknowledged; pending deletes and visibility changes are flushed. Messages
   * of handlers still running after the timeout are redelivered after their visibility timeout.
   * Idempotent; blocks until done.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (engine != null) {
      engine.close();
    }
  }

  private synchronized Engine currentEngine() {
    return engine;
  }

  /**
   * Configures a consumer. Required: {@link #client}, {@link #queueName}, {@link #codec} and at
   * least one handler ({@link #handle} or {@link #handleBatch}). Setters validate at once and name
   * the field at fault.
   */
  public static final class Builder {
    private SqsAsyncClient client;
    private String queueName;
    private String name;
    private EventCodec codec;
    private final Map<Class<?>, Pipeline.Route> handlers = new LinkedHashMap<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private Integer concurrency;
    private Integer prefetch;
    private Integer maxInFlight;
    private int receiveConcurrency;
    private int waitTimeSeconds = 20;
    private Integer visibilityTimeoutSeconds;
    private Executor executor;
    private Backoff backoff = DEFAULT_BACKOFF;
    private boolean allowMissingDlq;
    private MeterRegistry meterRegistry;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private CircuitBreakerPolicy circuitBreaker;
    private OpenTelemetry openTelemetry;
    private boolean linkToProducer;
    private PayloadStore payloadStore;

    private Builder() {}

    /** The SQS client; shared, not closed by the consumer. */
    public Builder client(SqsAsyncClient client) {
      this.client = Checks.notNull(client, "client");
      return this;
    }

    /** The queue's name (not URL); it must exist. */
    public Builder queueName(String queueName) {
      this.queueName = Checks.notBlank(queueName, "queueName");
      return this;
    }

    /** The name in metrics, MDC and logs; default the queue name. */
    public Builder name(String name) {
      this.name = Checks.notBlank(name, "name");
      return this;
    }

    public Builder codec(EventCodec codec) {
      this.codec = Checks.notNull(codec, "codec");
      return this;
    }

    /**
     * Runs {@code handler} for events whose data is {@code eventClass} (its type name comes from
     * the codec's {@link dev.evently.event.EventTypes}). One handler per type.
     */
    public <T> Builder handle(Class<T> eventClass, EventHandler<T> handler) {
      Checks.notNull(handler, "handler");
      return handle(eventClass, (DeliveryHandler<T>) (event, delivery) -> handler.handle(event));
    }

    /** Like {@link #handle(Class, EventHandler)}, for a handler that also reads its {@link Delivery}. */
    public <T> Builder handle(Class<T> eventClass, DeliveryHandler<T> handler) {
      Checks.notNull(handler, "handler");
      @SuppressWarnings("unchecked")
      DeliveryHandler<Object> h = (DeliveryHandler<Object>) (DeliveryHandler<?>) handler;
      return route(eventClass, new Pipeline.Single(h));
    }

    /** {@link #handleBatch(Class, int, BatchHandler)} with batches of up to 10 events. */
    public <T> Builder handleBatch(Class<T> eventClass, BatchHandler<T> handler) {
      return handleBatch(eventClass, 10, handler);
    }

    /**
     * Runs {@code handler} with up to {@code maxBatchSize} events of {@code eventClass} at once,
     * with per-event results (see {@link BatchHandler}). One handler per type.
     *
     * @param maxBatchSize 1 to 1000; batches are formed from waiting messages, so sizes above 10
     *     need a prefetch that can hold them
     */
    public <T> Builder handleBatch(Class<T> eventClass, int maxBatchSize, BatchHandler<T> handler) {
      Checks.notNull(handler, "handler");
      if (maxBatchSize < 1 || maxBatchSize > 1000) {
        throw new IllegalArgumentException("maxBatchSize must be between 1 and 1000");
      }
      @SuppressWarnings("unchecked")
      BatchHandler<Object> h = (BatchHandler<Object>) (BatchHandler<?>) handler;
      return route(eventClass, new Pipeline.Batch(h, maxBatchSize));
    }

    private Builder route(Class<?> eventClass, Pipeline.Route route) {
      Checks.notNull(eventClass, "eventClass");
      if (handlers.containsKey(eventClass)) {
        throw new IllegalArgumentException("a handler for " + eventClass.getName() + " is already registered");
      }
      handlers.put(eventClass, route);
      return this;
    }

    /**
     * Adds {@code middleware} around every handler call; the first added is the outermost. The
     * consumer's own MDC and metrics middleware always run outside the ones added here.
     */
    public Builder use(Middleware middleware) {
      this.middleware.add(Checks.notNull(middleware, "middleware"));
      return this;
    }

    /** The most handler calls at once (a batch call counts once), 1 to 10000; default 10. */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.between(concurrency, 1, 10_000, "concurrency");
      return this;
    }

    /**
     * The most messages received and waiting for a handler slot, 0 to 10000; default {@value
     * SqsConsumer#DEFAULT_PREFETCH}. Held messages never exceed concurrency + prefetch. Prefetching
     * lets handlers take the next message without waiting for a receive call and keeps several
     * receive calls in flight. It is a bound, not a target: no more messages wait than the handlers
     * take during one receive round trip (at least concurrency), so slow handlers do not hide
     * hundreds of messages from other consumers of the queue. It also bounds the message bodies in
     * memory: lower it for large messages. 0: receive only for free handler slots.
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = Checks.between(prefetch, 0, 10_000, "prefetch");
      return this;
    }

    /**
     * The most messages held at once, all of them running: the same as {@code
     * concurrency(maxInFlight).prefetch(0)}.
     *
     * @deprecated use {@link #concurrency(int)} (and {@link #prefetch(int)}); kept so that code
     *     written for the first consumer keeps its exact behaviour
     */
    @Deprecated
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.between(maxInFlight, 1, 10_000, "maxInFlight");
      return this;
    }

    /**
     * The most ReceiveMessage calls in flight, 1 to 100; default one per 10 messages that may be
     * held, at most 50. At most concurrency + prefetch. The consumer opens more only while calls
     * come back full, and closes them again when they come back empty.
     */
    public Builder receiveConcurrency(int receiveConcurrency) {
      this.receiveConcurrency = Checks.between(receiveConcurrency, 1, 100, "receiveConcurrency");
      return this;
    }

    /** The long-poll wait, 0 to 20 s in whole seconds; default 20 s. */
    public Builder waitTime(Duration waitTime) {
      if (waitTime == null || waitTime.isNegative() || waitTime.compareTo(Duration.ofSeconds(20)) > 0
          || waitTime.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("waitTime must be 0 to 20 s in whole seconds");
      }
      this.waitTimeSeconds = (int) waitTime.toSeconds();
      return this;
    }

    /**
     * The visibility timeout for received messages, 1 s to 12 h in whole seconds; default the
     * queue's own, read at start.
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      if (visibilityTimeout == null
          || visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || visibilityTimeout.compareTo(MAX_VISIBILITY) > 0
          || visibilityTimeout.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("visibilityTimeout must be 1 s to 12 h in whole seconds");
      }
      this.visibilityTimeoutSeconds = (int) visibilityTimeout.toSeconds();
      return this;
    }

    /**
     * Where handlers run, e.g. {@code Executors.newVirtualThreadPerTaskExecutor()}. Not shut down
     * by the consumer; it runs at most {@code concurrency} tasks of this consumer at once. Default,
     * owned by the consumer: on Java 24+ a virtual thread per handler slot (they no longer pin on
     * {@code synchronized}), before that a pool of {@code concurrency} daemon threads.
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * The delay before a failed message is retried, by its receive count (SQS visibility timeouts
     * are whole seconds: rounded to the nearest); default {@link #DEFAULT_BACKOFF}.
     *
     * @throws IllegalArgumentException when null or its max is over 12 hours (the SQS limit)
     */
    public Builder backoff(Backoff backoff) {
      Checks.notNull(backoff, "backoff");
      if (backoff.max().compareTo(MAX_VISIBILITY) > 0) {
        throw new IllegalArgumentException("backoff.max must be <= 12 hours (the SQS visibility limit)");
      }
      this.backoff = backoff;
      return this;
    }

    /**
     * Whether {@link #start()} accepts a queue without a usable dead-letter queue (default
     * false). Without one, poison messages are retried with backoff like failures, never
     * deleted.
     */
    public Builder allowMissingDeadLetterQueue(boolean allow) {
      this.allowMissingDlq = allow;
      return this;
    }

    /** Where the {@code evently.consumer.*} meters go; default none. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** How long {@link #close()} waits for running handlers; default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be >= 0");
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Pauses the consumer while a dependency of its handlers is down, instead of burning messages
     * into the dead-letter queue; see {@link CircuitBreakerPolicy}.
     */
    public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
      this.circuitBreaker = Checks.notNull(circuitBreaker, "circuitBreaker");
      return this;
    }

    /**
     * Traces with {@code openTelemetry} (default: the global one, if the application registered
     * it; otherwise no tracing at all): {@code receive}, {@code process} and {@code settle} spans
     * per the messaging conventions, the process span a child of the producer's span carried by
     * the message ({@link dev.evently.tracing.MessagingTracing}).
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Checks.notNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Whether a process span links to the producer's span instead of continuing its trace
     * (default false: one trace from the producer's request to every consumer). Batch calls always
     * link.
     */
    public Builder linkToProducerSpans(boolean link) {
      this.linkToProducer = link;
      return this;
    }

    /**
     * Resolves large events' pointers through {@code store} before decoding (ours and the AWS
     * extended clients', raw or SNS-wrapped): only from the store's buckets (any other is
     * dead-lettered without a call), verified by size and SHA-256 (a mismatch is dead-lettered, never
     * handled), a missing object retried and dead-lettered on the last attempt, each with a {@code
     * PAYLOAD_*} reason. Objects are never deleted (docs/LARGE-EVENTS.md). Default none.
     */
    public Builder payloadStore(PayloadStore store) {
      this.payloadStore = Checks.notNull(store, "payloadStore");
      return this;
    }

    /**
     * An unstarted consumer.
     *
     * @throws IllegalArgumentException when a required field is missing, a handler's class is not
     *     registered in the codec, maxInFlight is combined with concurrency or prefetch, or
     *     receiveConcurrency exceeds concurrency + prefetch
     */
    public SqsConsumer build() {
      Checks.isSet(client, "client");
      Checks.isSet(queueName, "queueName");
      Checks.isSet(codec, "codec");
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException(
            "handlers must not be empty: register one with handle(...) or handleBatch(...)");
      }
      if (maxInFlight != null && (concurrency != null || prefetch != null)) {
        throw new IllegalArgumentException(
            "maxInFlight is the old spelling of concurrency(n).prefetch(0): set either maxInFlight or"
                + " concurrency/prefetch, not both");
      }
      int c = maxInFlight != null ? maxInFlight : concurrency != null ? concurrency : DEFAULT_CONCURRENCY;
      int p = maxInFlight != null ? 0 : prefetch != null ? prefetch : DEFAULT_PREFETCH;
      if (receiveConcurrency > c + p) {
        throw new IllegalArgumentException("receiveConcurrency must be <= concurrency + prefetch");
      }
      return new SqsConsumer(
          new ConsumerConfig(
              client,
              queueName,
              name != null ? name : queueName,
              codec,
              Pipeline.routesByType(codec.types(), handlers),
              List.copyOf(middleware),
              c,
              p,
              receiveConcurrency > 0 ? receiveConcurrency : ConsumerConfig.defaultReceiveConcurrency(c + p),
              waitTimeSeconds,
              visibilityTimeoutSeconds,
              executor,
              backoff,
              allowMissingDlq,
              meterRegistry != null ? meterRegistry : new CompositeMeterRegistry(),
              shutdownTimeout,
              circuitBreaker,
              openTelemetry != null ? openTelemetry : MessagingTracing.globalOrNull(),
              linkToProducer,
              payloadStore));
    }
  }
}
