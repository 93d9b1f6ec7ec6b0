package dev.evently.consume;

import dev.evently.consume.internal.Batcher;
import dev.evently.consume.internal.Capacity;
import dev.evently.consume.internal.ConsumerMetrics;
import dev.evently.consume.internal.DeadLetterAttributes;
import dev.evently.consume.internal.InFlightMessage;
import dev.evently.consume.internal.QueueSetup;
import dev.evently.event.DecodeFailure;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventDecodingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Consumes one SQS queue: long-polls it, decodes each message (raw CloudEvent or SNS
 * notification) and runs the {@link EventHandler} registered for its event type.
 *
 * <ul>
 *   <li><b>Success</b> (the handler returns): the message is deleted (batched
 *       DeleteMessageBatch).
 *   <li><b>Failure</b> (the handler throws): the message is not deleted; it becomes visible again
 *       after the {@link Backoff} for its receive count, and the queue's redrive policy moves it to
 *       the dead-letter queue after {@code maxReceiveCount} receives. After the last allowed
 *       attempt it becomes visible at once, so the redrive happens without waiting.
 *   <li><b>Poison</b> (the body cannot be decoded, its type is unknown or has no handler, its data
 *       is invalid, or the handler throws {@link NonRetryableException}): the original body and
 *       attributes are sent to the dead-letter queue with {@code dlq-*} attributes saying why (see
 *       {@link dev.evently.event.EventAttributes}), and the message is deleted only after that send
 *       succeeded. If the send fails the message is retried like a failure.
 * </ul>
 *
 * <p>At most {@code maxInFlight} messages are held at once (received and not yet handled): the
 * consumer only asks SQS for as many messages as it has free slots. While a message is held past
 * half its visibility timeout, its visibility is extended (never past 12 hours from receipt).
 *
 * <p>{@link #start()} resolves the queue and its dead-letter queue (it never creates queues) and
 * starts receiving; {@link #close()} stops gracefully. Thread-safe. A started consumer is not
 * restartable: build a new one.
 */
public final class SqsConsumer implements AutoCloseable {
  /** {@code dlq-reason} of a message whose handler threw {@link NonRetryableException}. */
  public static final String HANDLER_REJECTED = "HANDLER_REJECTED";

  /** MDC keys set around each handler call. */
  public static final String MDC_CONSUMER = "consumer";

  public static final String MDC_EVENT_ID = "eventId";
  public static final String MDC_EVENT_TYPE = "eventType";
  public static final String MDC_CORRELATION_ID = "correlationId";
  public static final String MDC_MESSAGE_ID = "messageId";

  static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);
  /** Bounds of the wait for a full batch of free slots; see {@link #partialReceiveDelayMillis()}. */
  static final Duration MIN_PARTIAL_RECEIVE_DELAY = Duration.ofMillis(20);

  static final Duration MAX_PARTIAL_RECEIVE_DELAY = Duration.ofMillis(100);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(SqsConsumer.class);

  private final SqsAsyncClient client;
  private final String queueName;
  private final String name;
  private final EventCodec codec;
  private final Map<String, EventHandler<Object>> handlers;
  private final int maxInFlight;
  private final int receiveConcurrency;
  private final int waitTimeSeconds;
  private final Integer visibilityOverrideSeconds;
  private final Executor configuredExecutor;
  private final Backoff backoff;
  private final boolean allowMissingDlq;
  private final MeterRegistry meterRegistry;
  private final Duration shutdownTimeout;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Capacity capacity;
  private final Set<InFlightMessage> held = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> polls = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> pendingOps = ConcurrentHashMap.newKeySet();
  private final AtomicInteger receiveErrors = new AtomicInteger();
  private final Object idle = new Object();

  private volatile boolean running;
  private volatile long avgHandlerNanos;
  private volatile Throwable lastReceiveError;
  private QueueSetup setup;
  private List<MessageSystemAttributeName> systemAttributes;
  private int visibilitySeconds;
  private ConsumerMetrics metrics;
  private ScheduledExecutorService scheduler;
  private Executor executor;
  private ExecutorService ownedExecutor;
  private Batcher<InFlightMessage> deletes;
  private Batcher<VisibilityChange> visibility;

  /** For a heartbeat extension, {@code extendedFromNanos} is the deadline it replaced. */
  private record VisibilityChange(InFlightMessage message, int seconds, boolean extension, long extendedFromNanos) {
    VisibilityChange(InFlightMessage message, int seconds) {
      this(message, seconds, false, 0);
    }
  }

  private SqsConsumer(Builder b, Map<String, EventHandler<Object>> handlers) {
    this.client = b.client;
    this.queueName = b.queueName;
    this.name = b.name != null ? b.name : b.queueName;
    this.codec = b.codec;
    this.handlers = Map.copyOf(handlers);
    this.maxInFlight = b.maxInFlight;
    this.receiveConcurrency =
        b.receiveConcurrency > 0 ? b.receiveConcurrency : defaultReceiveConcurrency(b.maxInFlight);
    this.waitTimeSeconds = b.waitTimeSeconds;
    this.visibilityOverrideSeconds = b.visibilityTimeoutSeconds;
    this.configuredExecutor = b.executor;
    this.backoff = b.backoff;
    this.allowMissingDlq = b.allowMissingDlq;
    this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new CompositeMeterRegistry();
    this.shutdownTimeout = b.shutdownTimeout;
    this.capacity = new Capacity(maxInFlight);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One receive call per 10 in-flight messages, between 1 and 10. */
  static int defaultReceiveConcurrency(int maxInFlight) {
    return Math.max(1, Math.min(10, maxInFlight / 10));
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
    if (closed.get()) {
      throw new IllegalStateException("consumer '" + name + "' is closed; build a new one");
    }
    if (started.get()) {
      throw new IllegalStateException("consumer '" + name + "' is already started");
    }
    QueueSetup s = QueueSetup.resolve(client, queueName, allowMissingDlq);
    int vis = visibilityOverrideSeconds != null ? visibilityOverrideSeconds : s.visibilityTimeoutSeconds();
    if (vis < 1) {
      throw new ConsumerStartException(
          "queue '" + queueName + "' has VisibilityTimeout 0: set visibilityTimeout(...) on the consumer");
    }
    if (s.dlqUrl() == null) {
      LOG.warn(
          "consumer '{}': queue '{}' has no dead-letter queue; poison messages are retried until they expire",
          name,
          queueName);
    }
    this.setup = s;
    this.systemAttributes =
        s.fifo()
            ? List.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.MESSAGE_GROUP_ID)
            : List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, MessageSystemAttributeName.SENT_TIMESTAMP);
    this.visibilitySeconds = vis;
    this.metrics = new ConsumerMetrics(meterRegistry, name, queueName, held::size);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads("evently-" + name + "-scheduler"));
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    if (configuredExecutor != null) {
      this.executor = configuredExecutor;
    } else {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              maxInFlight,
              maxInFlight,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              threads("evently-" + name + "-handler"));
      pool.allowCoreThreadTimeOut(true);
      this.ownedExecutor = pool;
      this.executor = pool;
    }
    this.deletes = new Batcher<>(this::deleteBatch);
    this.visibility = new Batcher<>(this::visibilityBatch);
    long flushMillis = FLUSH_INTERVAL.toMillis();
    scheduler.scheduleWithFixedDelay(this::flushBatches, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    long heartbeatMillis = Math.max(100, Math.min(1000, vis * 1000L / 4));
    scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    running = true;
    started.set(true);
    LOG.info(
        "consumer '{}' started on {} (maxInFlight={}, receiveConcurrency={}, visibility={}s, dlq={})",
        name,
        s.queueUrl(),
        maxInFlight,
        receiveConcurrency,
        vis,
        s.dlqUrl());
    for (int i = 0; i < receiveConcurrency; i++) {
      poll();
    }
    return this;
  }

  /** The name used in metrics, MDC and logs (the queue name unless set). */
  public String name() {
    return name;
  }

  /** True between a successful {@link #start()} and {@link #close()}. */
  public boolean isRunning() {
    return running;
  }

  /**
   * The error of the latest receive call if it failed (the consumer keeps retrying with
   * backoff); empty once a receive succeeds again. For health checks.
   */
  public Optional<Throwable> lastReceiveError() {
    return Optional.ofNullable(lastReceiveError);
  }

  /**
   * Stops gracefully: no more receives; messages received but not yet started are made visible
   * again at once; running handlers get up to {@code shutdownTimeout} to finish and their results
   * are acknowledged; pending deletes and visibility changes are flushed. Messages of handlers
   * still running after the timeout are redelivered after their visibility timeout. Idempotent;
   * blocks until done.
   */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!started.get()) {
      return;
    }
    running = false;
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    int released = 0;
    for (InFlightMessage m : held) {
      if (release(m)) {
        released++;
      }
    }
    visibility.flush();
    boolean idleInTime = awaitIdle(deadline);
    for (CompletableFuture<?> poll : polls) {
      poll.cancel(true);
    }
    awaitQuietly(CompletableFuture.allOf(pendingOps.toArray(CompletableFuture[]::new)));
    // the periodic flush must be over before the last one, or a batch it took from the queue
    // could still be unsent when close() returns (and the caller closes the client)
    stopScheduler();
    awaitQuietly(deletes.flushAndDrain());
    awaitQuietly(visibility.flushAndDrain());
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (!idleInTime) {
      LOG.warn(
          "consumer '{}': {} handlers still running after {}; their messages will be redelivered",
          name,
          held.size(),
          shutdownTimeout);
    }
    LOG.info("consumer '{}' stopped ({} unstarted messages released)", name, released);
  }

  // ---- receiving

  private void poll() {
    poll(Math.min(Batcher.MAX_BATCH, maxInFlight));
  }

  /**
   * Receives once at least {@code minSlots} slots are free: a full batch normally, so receive
   * calls (billed per request) are not spent on one or two messages each; after the partial
   * receive delay with fewer free slots, whatever is free, so one slow handler does not hold up
   * the others.
   */
  private void poll(int minSlots) {
    if (!running) {
      return;
    }
    int slots = capacity.tryReserve(Batcher.MAX_BATCH, minSlots);
    if (slots == 0) {
      AtomicBoolean once = new AtomicBoolean();
      capacity.whenFree(minSlots, () -> {
        if (once.compareAndSet(false, true)) {
          poll(minSlots);
        }
      });
      if (minSlots > 1) {
        schedule(() -> {
          if (once.compareAndSet(false, true)) {
            poll(1);
          }
        }, partialReceiveDelayMillis());
      }
      return;
    }
    ReceiveMessageRequest.Builder request =
        ReceiveMessageRequest.builder()
            .queueUrl(setup.queueUrl())
            .maxNumberOfMessages(slots)
            .waitTimeSeconds(waitTimeSeconds)
            .messageSystemAttributeNames(systemAttributes)
            .messageAttributeNames("All");
    if (visibilityOverrideSeconds != null) {
      request.visibilityTimeout(visibilityOverrideSeconds);
    }
    CompletableFuture<ReceiveMessageResponse> future;
    try {
      future = client.receiveMessage(request.build());
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ReceiveMessageResponse> f = future;
    polls.add(f);
    f.whenComplete(
        (response, error) -> {
          polls.remove(f);
          onReceived(slots, response, error);
        });
  }

  /**
   * How long a poller waits for a full batch of free slots before it receives fewer: 1.5 times the
   * average handler time (the handlers of one batch, started together, usually end together), but
   * at least MIN and at most MAX_PARTIAL_RECEIVE_DELAY.
   */
  long partialReceiveDelayMillis() {
    long avgMillis = TimeUnit.NANOSECONDS.toMillis(avgHandlerNanos);
    return Math.max(
        MIN_PARTIAL_RECEIVE_DELAY.toMillis(), Math.min(MAX_PARTIAL_RECEIVE_DELAY.toMillis(), avgMillis * 3 / 2));
  }

  /** Exponentially weighted (1/16) average of handler times; racy updates only blur it. */
  private void recordHandlerTime(long nanos) {
    long avg = avgHandlerNanos;
    avgHandlerNanos = avg == 0 ? nanos : avg + (nanos - avg) / 16;
  }

  private void onReceived(int slots, ReceiveMessageResponse response, Throwable error) {
    long now = System.nanoTime();
    if (error != null) {
      capacity.release(slots);
      Throwable cause = unwrap(error);
      if (!running || cause instanceof CancellationException) {
        return;
      }
      lastReceiveError = cause;
      int n = receiveErrors.incrementAndGet();
      long delayMillis = Math.min(10_000L, 100L << Math.min(n - 1, 7));
      LOG.warn(
          "consumer '{}': receive from '{}' failed ({} in a row), retrying in {} ms: {}",
          name,
          queueName,
          n,
          delayMillis,
          cause.toString());
      schedule(this::poll, delayMillis);
      return;
    }
    lastReceiveError = null;
    receiveErrors.set(0);
    List<Message> messages = response.messages();
    capacity.release(slots - messages.size());
    if (!running) {
      releaseNow(messages);
      capacity.release(messages.size());
      return;
    }
    long visNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds);
    Map<String, List<InFlightMessage>> groups = new LinkedHashMap<>();
    for (Message message : messages) {
      InFlightMessage m = new InFlightMessage(message, now, visNanos);
      long sent = m.sentTimestampMillis();
      metrics.received(m.receiveCount(), sent < 0 ? -1 : Math.max(0, System.currentTimeMillis() - sent));
      held.add(m);
      String group = setup.fifo() && m.groupId() != null ? m.groupId() : m.messageId();
      groups.computeIfAbsent(group, g -> new ArrayList<>(1)).add(m);
    }
    for (List<InFlightMessage> group : groups.values()) {
      dispatch(group);
    }
    poll();
  }

  /**
   * Runs the messages of one FIFO message group from one receive in order, one after the other;
   * after a failure the rest of the group is released (visibility 0) so SQS redelivers it after the
   * failed one. On a standard queue every "group" is a single message.
   */
  private void dispatch(List<InFlightMessage> group) {
    try {
      executor.execute(
          () -> {
            boolean ok = true;
            int i = 0;
            try {
              for (; i < group.size(); i++) {
                if (ok) {
                  ok = process(group.get(i));
                } else {
                  release(group.get(i));
                }
              }
            } finally { // a VirtualMachineError from a handler must not strand the rest of the group
              for (int rest = i + 1; rest < group.size(); rest++) {
                release(group.get(rest));
              }
            }
          });
    } catch (RejectedExecutionException e) {
      group.forEach(this::release);
      LOG.warn("consumer '{}': executor rejected {} messages; made visible again", name, group.size());
    }
  }

  /** Gives a message back to the queue at once unless its handler started; true if it did. */
  private boolean release(InFlightMessage m) {
    if (!m.abandon()) {
      return false;
    }
    held.remove(m);
    visibility.add(new VisibilityChange(m, 0));
    capacity.release(1);
    signalIfIdle();
    return true;
  }

  // ---- handling

  /** Handles one message; false when it was not finished (failed, left to retry, or released at shutdown). */
  private boolean process(InFlightMessage m) {
    if (!m.start()) {
      return false;
    }
    long t0 = System.nanoTime();
    String outcome = "failure";
    boolean leftOnQueue = false;
    boolean handlerCalled = false;
    MDC.put(MDC_CONSUMER, name);
    MDC.put(MDC_MESSAGE_ID, m.messageId());
    try {
      Event<?> event = codec.decode(m.message().body());
      putMdc(MDC_EVENT_ID, event.id());
      putMdc(MDC_EVENT_TYPE, event.type());
      putMdc(MDC_CORRELATION_ID, event.correlationId());
      EventHandler<Object> handler = handlers.get(event.type());
      if (handler == null) {
        throw new EventDecodingException(
            DecodeFailure.UNKNOWN_TYPE,
            "consumer '" + name + "' has no handler for type '" + event.type() + "'",
            event.id(),
            event.type(),
            null);
      }
      @SuppressWarnings("unchecked")
      Event<Object> typed = (Event<Object>) event;
      handlerCalled = true;
      handler.handle(typed);
      outcome = "success";
      deletes.add(m);
      LOG.debug("consumer '{}': handled message {}", name, m.messageId());
    } catch (EventDecodingException e) {
      if (handlerCalled) { // thrown by the handler, not by decoding this message: a failure
        retryLater(m, e);
        return false;
      }
      outcome = "rejected";
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "consumer '{}': undecodable body of message {} ({}): {}",
            name,
            m.messageId(),
            e.getMessage(),
            m.message().body());
      }
      leftOnQueue = !deadLetter(m, e.reason().name(), e);
    } catch (NonRetryableException e) {
      outcome = "rejected";
      leftOnQueue = !deadLetter(m, HANDLER_REJECTED, e);
    } catch (Throwable e) {
      retryLater(m, e);
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
    } finally {
      MDC.remove(MDC_CONSUMER);
      MDC.remove(MDC_MESSAGE_ID);
      MDC.remove(MDC_EVENT_ID);
      MDC.remove(MDC_EVENT_TYPE);
      MDC.remove(MDC_CORRELATION_ID);
      long took = System.nanoTime() - t0;
      recordHandlerTime(took);
      metrics.handled(outcome, took);
      m.finish();
      held.remove(m);
      capacity.release(1);
      if (held.isEmpty()) {
        deletes.flush(); // nothing else running: acknowledge now instead of at the next tick
      }
      signalIfIdle();
    }
    return !leftOnQueue && !outcome.equals("failure");
  }

  private static void putMdc(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }

  private void retryLater(InFlightMessage m, Throwable error) {
    boolean lastAttempt = setup.maxReceiveCount() > 0 && m.receiveCount() >= setup.maxReceiveCount();
    int seconds = lastAttempt ? 0 : backoff.visibilitySeconds(m.receiveCount(), ThreadLocalRandom.current().nextDouble());
    LOG.warn(
        "consumer '{}': message {} failed on attempt {}{}; {}: {}",
        name,
        m.messageId(),
        m.receiveCount(),
        setup.maxReceiveCount() > 0 ? " of " + setup.maxReceiveCount() : "",
        lastAttempt ? "leaving it to the redrive policy" : "retrying in " + seconds + " s",
        error instanceof EventDecodingException ? loggable(error) : error.toString());
    LOG.debug("consumer '{}': failure of message {}", name, m.messageId(), error);
    visibility.add(new VisibilityChange(m, seconds));
  }

  /**
   * False when the message is left on the queue to be retried: there is no dead-letter queue, or
   * (FIFO queues only, which wait for the send) sending it there failed.
   */
  private boolean deadLetter(InFlightMessage m, String reason, Throwable error) {
    String dlqUrl = setup.dlqUrl();
    if (dlqUrl == null) {
      LOG.error(
          "consumer '{}': message {} can never succeed ({}) but there is no dead-letter queue; retrying",
          name,
          m.messageId(),
          describe(reason, loggable(error)));
      retryLater(m, error);
      return false;
    }
    DeadLetterAttributes attrs =
        DeadLetterAttributes.of(
            m.message().messageAttributes(), reason, error, setup.queueUrl(), m.receiveCount(), Instant.now());
    if (!attrs.dropped().isEmpty()) {
      LOG.warn(
          "consumer '{}': dead-lettered copy of message {} drops attributes {} (SQS allows 10)",
          name,
          m.messageId(),
          attrs.dropped());
    }
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(dlqUrl)
            .messageBody(m.message().body())
            .messageAttributes(attrs.attributes());
    if (dlqUrl.endsWith(".fifo")) {
      request
          .messageGroupId(m.groupId() != null ? m.groupId() : m.messageId())
          .messageDeduplicationId(m.messageId());
    }
    CompletableFuture<?> sent;
    try {
      sent = client.sendMessage(request.build());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Boolean> done =
        sent.handle(
            (response, sendError) -> {
              if (sendError == null) {
                LOG.warn(
                    "consumer '{}': moved message {} to the dead-letter queue: {}",
                    name,
                    m.messageId(),
                    describe(reason, loggable(error)));
                metrics.deadLettered(reason);
                deletes.add(m);
                return true;
              } else {
                LOG.error(
                    "consumer '{}': could not dead-letter message {} ({}); it stays on the queue",
                    name,
                    m.messageId(),
                    unwrap(sendError).toString());
                retryLater(m, error);
                return false;
              }
            });
    pendingOps.add(done);
    done.whenComplete((r, t) -> pendingOps.remove(done));
    // on a FIFO queue the rest of the group goes on only once the message is out of its way
    return !setup.fifo() || done.join();
  }

  // ---- acknowledgements and visibility

  private CompletableFuture<?> deleteBatch(List<InFlightMessage> batch) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle())
              .build());
    }
    return client
        .deleteMessageBatch(b -> b.queueUrl(setup.queueUrl()).entries(entries))
        .whenComplete(
            (response, error) ->
                reportFailures("delete", batch, error, error != null ? List.of() : response.failed()));
  }

  private CompletableFuture<?> visibilityBatch(List<VisibilityChange> batch) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
    List<InFlightMessage> messages = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      VisibilityChange c = batch.get(i);
      messages.add(c.message());
      entries.add(visibilityEntry(i, c.message().receiptHandle(), c.seconds()));
    }
    return client
        .changeMessageVisibilityBatch(b -> b.queueUrl(setup.queueUrl()).entries(entries))
        .whenComplete(
            (response, error) -> {
              List<BatchResultErrorEntry> failed = error != null ? List.of() : response.failed();
              reportFailures("visibility change", messages, error, failed);
              undoFailedExtensions(batch, error != null ? null : failed);
            });
  }

  /**
   * A failed extension is made again at the next heartbeat, not only when half a visibility
   * timeout has passed since it was attempted (by then the message would be visible again).
   *
   * @param failed the refused entries, or null when the whole call failed
   */
  private static void undoFailedExtensions(List<VisibilityChange> batch, List<BatchResultErrorEntry> failed) {
    for (int i = 0; i < batch.size(); i++) {
      VisibilityChange c = batch.get(i);
      String id = Integer.toString(i);
      if (c.extension() && (failed == null || failed.stream().anyMatch(f -> id.equals(f.id())))) {
        c.message().extendedUntil(c.extendedFromNanos());
      }
    }
  }

  private static ChangeMessageVisibilityBatchRequestEntry visibilityEntry(int id, String receiptHandle, int seconds) {
    return ChangeMessageVisibilityBatchRequestEntry.builder()
        .id(Integer.toString(id))
        .receiptHandle(receiptHandle)
        .visibilityTimeout(seconds)
        .build();
  }

  private void reportFailures(
      String action, List<InFlightMessage> batch, Throwable error, List<BatchResultErrorEntry> failed) {
    if (error != null) {
      metrics.acknowledgementFailed(batch.size());
      LOG.warn(
          "consumer '{}': {} of {} messages failed ({}); they may be redelivered",
          name,
          action,
          batch.size(),
          unwrap(error).toString());
      return;
    }
    for (BatchResultErrorEntry entry : failed) {
      metrics.acknowledgementFailed(1);
      String id = batch.get(Integer.parseInt(entry.id())).messageId();
      LOG.warn(
          "consumer '{}': {} of message {} failed: {} {}; it may be redelivered",
          name,
          action,
          id,
          entry.code(),
          entry.message());
    }
  }

  private void heartbeat() {
    try {
      long now = System.nanoTime();
      long visNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds);
      long maxSeconds = Backoff.MAX_VISIBILITY.toSeconds();
      boolean any = false;
      for (InFlightMessage m : held) {
        if (!m.isHeld() || m.visibleAtNanos() - now > visNanos / 2) {
          continue;
        }
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - m.receivedNanos()) + 1;
        int seconds = (int) Math.min(visibilitySeconds, maxSeconds - elapsed);
        if (seconds <= 0) {
          continue;
        }
        long before = m.visibleAtNanos();
        m.extendedUntil(now + TimeUnit.SECONDS.toNanos(seconds));
        visibility.add(new VisibilityChange(m, seconds, true, before));
        any = true;
      }
      if (any) {
        visibility.flush();
      }
    } catch (RuntimeException e) {
      LOG.warn("consumer '{}': visibility heartbeat failed", name, e);
    }
  }

  private void flushBatches() {
    try {
      deletes.flush();
      visibility.flush();
    } catch (RuntimeException e) {
      LOG.warn("consumer '{}': flushing acknowledgements failed", name, e);
    }
  }

  /** Messages received after shutdown began: visible again at once, not batched. */
  private void releaseNow(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      entries.add(visibilityEntry(i, messages.get(i).receiptHandle(), 0));
    }
    CompletableFuture<?> f =
        client
            .changeMessageVisibilityBatch(b -> b.queueUrl(setup.queueUrl()).entries(entries))
            .handle((r, t) -> null);
    pendingOps.add(f);
    f.whenComplete((r, t) -> pendingOps.remove(f));
  }

  // ---- shutdown helpers

  private void signalIfIdle() {
    if (held.isEmpty()) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
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
        LOG.warn("consumer '{}': scheduler did not stop within {}", name, DRAIN_TIMEOUT);
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
      LOG.warn("consumer '{}': draining at shutdown did not complete: {}", name, e.toString());
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private static String describe(String reason, String message) {
    return message.startsWith(reason) ? message : reason + ": " + message;
  }

  /**
   * An error's message as logs at INFO and above may show it. A decoding error's message can quote
   * the body (a parser's "Unrecognized token", a data value), so only its reason, event id and type
   * are shown; the full message is logged at DEBUG and kept in the dead-letter attributes.
   */
  private static String loggable(Throwable error) {
    if (error instanceof EventDecodingException e) {
      return e.reason() + " (event id " + e.eventId() + ", type " + e.eventType() + ")";
    }
    return String.valueOf(error.getMessage());
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures a consumer. Required: {@link #client}, {@link #queueName}, {@link #codec} and at
   * least one {@link #handle} registration. Setters validate at once and name the field at fault.
   */
  public static final class Builder {
    private SqsAsyncClient client;
    private String queueName;
    private String name;
    private EventCodec codec;
    private final Map<Class<?>, EventHandler<?>> handlers = new LinkedHashMap<>();
    private int maxInFlight = 10;
    private int receiveConcurrency;
    private int waitTimeSeconds = 20;
    private Integer visibilityTimeoutSeconds;
    private Executor executor;
    private Backoff backoff = Backoff.DEFAULT;
    private boolean allowMissingDlq;
    private MeterRegistry meterRegistry;
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    private Builder() {}

    private static <T> T nonNull(T value, String field) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must not be null");
      }
      return value;
    }

    private static String nonBlank(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
      return value;
    }

    /** The SQS client; shared, not closed by the consumer. */
    public Builder client(SqsAsyncClient client) {
      this.client = nonNull(client, "client");
      return this;
    }

    /** The queue's name (not URL); it must exist. */
    public Builder queueName(String queueName) {
      this.queueName = nonBlank(queueName, "queueName");
      return this;
    }

    /** The name in metrics, MDC and logs; default the queue name. */
    public Builder name(String name) {
      this.name = nonBlank(name, "name");
      return this;
    }

    public Builder codec(EventCodec codec) {
      this.codec = nonNull(codec, "codec");
      return this;
    }

    /**
     * Runs {@code handler} for events whose data is {@code eventClass} (its type name comes from
     * the codec's {@link dev.evently.event.EventTypes}). One handler per type.
     */
    public <T> Builder handle(Class<T> eventClass, EventHandler<T> handler) {
      nonNull(eventClass, "eventClass");
      nonNull(handler, "handler");
      if (handlers.containsKey(eventClass)) {
        throw new IllegalArgumentException("a handler for " + eventClass.getName() + " is already registered");
      }
      handlers.put(eventClass, handler);
      return this;
    }

    /** The most messages held at once (received, not yet handled); default 10. */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1 || maxInFlight > 10_000) {
        throw new IllegalArgumentException("maxInFlight must be between 1 and 10000");
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Concurrent ReceiveMessage calls; default maxInFlight / 10, between 1 and 10. At most
     * maxInFlight.
     */
    public Builder receiveConcurrency(int receiveConcurrency) {
      if (receiveConcurrency < 1 || receiveConcurrency > 100) {
        throw new IllegalArgumentException("receiveConcurrency must be between 1 and 100");
      }
      this.receiveConcurrency = receiveConcurrency;
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
          || visibilityTimeout.compareTo(Backoff.MAX_VISIBILITY) > 0
          || visibilityTimeout.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("visibilityTimeout must be 1 s to 12 h in whole seconds");
      }
      this.visibilityTimeoutSeconds = (int) visibilityTimeout.toSeconds();
      return this;
    }

    /**
     * Where handlers run, e.g. {@code Executors.newVirtualThreadPerTaskExecutor()}. Not shut down
     * by the consumer. Default: a consumer-owned pool of maxInFlight daemon threads.
     */
    public Builder executor(Executor executor) {
      this.executor = nonNull(executor, "executor");
      return this;
    }

    /** The delay before a failed message is retried; default {@link Backoff#DEFAULT}. */
    public Builder backoff(Backoff backoff) {
      this.backoff = nonNull(backoff, "backoff");
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
      this.meterRegistry = nonNull(meterRegistry, "meterRegistry");
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
     * An unstarted consumer.
     *
     * @throws IllegalArgumentException when a required field is missing, a handler's class is not
     *     registered in the codec, or receiveConcurrency exceeds maxInFlight
     */
    public SqsConsumer build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (queueName == null) {
        throw new IllegalArgumentException("queueName must be set");
      }
      if (codec == null) {
        throw new IllegalArgumentException("codec must be set");
      }
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("handlers must not be empty: register one with handle(...)");
      }
      if (receiveConcurrency > maxInFlight) {
        throw new IllegalArgumentException("receiveConcurrency must be <= maxInFlight");
      }
      Map<String, EventHandler<Object>> byType = new LinkedHashMap<>();
      for (Map.Entry<Class<?>, EventHandler<?>> e : handlers.entrySet()) {
        String type =
            codec
                .types()
                .nameOf(e.getKey())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "handlers: " + e.getKey().getName() + " is not registered in the codec's types"));
        @SuppressWarnings("unchecked")
        EventHandler<Object> h = (EventHandler<Object>) e.getValue();
        byType.put(type, h);
      }
      return new SqsConsumer(this, byType);
    }
  }
}
