package dev.evently.consume.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Long-polls the queue with between 1 and {@code maxPollers} ReceiveMessage calls in flight, never
 * asking for more messages than there are free slots in {@link Capacity} (held messages never
 * exceed concurrency + prefetch).
 *
 * <ul>
 *   <li>A call asks for up to 10 messages once a full batch of slots (10, or the capacity when
 *       smaller) is free, or with fewer after {@link #partialReceiveDelayMillis} if no message is
 *       waiting for a handler by then (a receive call is billed whether it brings 1 message or 10). The slots are reserved while it polls; those it
 *       does not fill are released when it returns.
 *   <li>Adaptive: a call that comes back full starts another poller (up to {@code maxPollers}); one
 *       that comes back empty ends its poller unless it is the last. An idle consumer therefore
 *       keeps one long poll open, and a busy one as many as its capacity can fill.
 *   <li>Not ahead of the handlers: when a call comes back while {@link #bufferTarget()} messages
 *       already wait for a handler, its poller ends too, and the last one waits until the buffer
 *       drains below the target. The target is what the handlers take during one receive round
 *       trip, at least {@code concurrency} and at most {@code prefetch}: with fast handlers, the
 *       whole prefetch (many calls in flight); with slow ones, about one message per handler slot,
 *       not the whole prefetch (waiting messages are hidden from other consumers of the queue).
 *   <li>Receive errors are retried with backoff (100 ms doubling to 10 s); {@link #lastError()}
 *       shows the latest until a receive succeeds again.
 * </ul>
 *
 * Thread-safe; the callback runs on the SDK's completion threads.
 */
public final class Receiver {
  private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);
  static final long MIN_PARTIAL_RECEIVE_DELAY_MILLIS = 20;
  static final long MAX_PARTIAL_RECEIVE_DELAY_MILLIS = 100;

  private final SqsAsyncClient client;
  private final Capacity capacity;
  private final int fullBatch;
  private final int maxPollers;
  private final HandlerTimes handlerTimes;
  private final ScheduledExecutorService scheduler;
  private final BiConsumer<List<Message>, Long> onMessages;
  private final IntSupplier prefetched;
  private final int concurrency;
  private final int prefetch;
  private final HandlerTimes roundTrips = new HandlerTimes();
  private final BiConsumer<Integer, Runnable> bufferGate;
  private final ConsumerMetrics metrics;
  private final String consumer;
  private final String queueName;
  private final ConsumerTracing tracing;
  private final ReceiveMessageRequest[] requests = new ReceiveMessageRequest[Batcher.MAX_BATCH + 1];
  private final Set<CompletableFuture<?>> polls = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pollers = new AtomicInteger();
  private final AtomicInteger errorsInARow = new AtomicInteger();
  private final AtomicInteger parked = new AtomicInteger();
  private volatile boolean running;
  private volatile boolean paused;
  private volatile Throwable lastError;

  /**
   * @param onMessages receives the messages of each non-empty response and the {@code
   *     System.nanoTime()} of their receipt; their slots stay reserved until released
   * @param prefetched how many received messages wait for a handler now
   * @param concurrency the consumer's handler slots
   * @param prefetch the most messages that may wait for a slot
   * @param bufferGate runs a task once fewer than the given number of messages wait
   */
  public Receiver(
      SqsAsyncClient client,
      QueueSetup queue,
      int waitTimeSeconds,
      Integer visibilityOverrideSeconds,
      Capacity capacity,
      int maxPollers,
      HandlerTimes handlerTimes,
      ScheduledExecutorService scheduler,
      BiConsumer<List<Message>, Long> onMessages,
      IntSupplier prefetched,
      int concurrency,
      int prefetch,
      BiConsumer<Integer, Runnable> bufferGate,
      ConsumerMetrics metrics,
      ConsumerTracing tracing,
      String consumer) {
    this.client = client;
    this.capacity = capacity;
    this.fullBatch = Math.min(Batcher.MAX_BATCH, capacity.size());
    this.maxPollers = maxPollers;
    this.handlerTimes = handlerTimes;
    this.scheduler = scheduler;
    this.onMessages = onMessages;
    this.prefetched = prefetched;
    this.concurrency = concurrency;
    this.prefetch = prefetch;
    this.bufferGate = bufferGate;
    this.metrics = metrics;
    this.consumer = consumer;
    this.tracing = tracing;
    this.queueName = queue.queueName();
    List<MessageSystemAttributeName> system =
        queue.fifo()
            ? List.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.AWS_TRACE_HEADER,
                MessageSystemAttributeName.MESSAGE_GROUP_ID)
            : List.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.AWS_TRACE_HEADER);
    for (int n = 1; n <= Batcher.MAX_BATCH; n++) {
      ReceiveMessageRequest.Builder request =
          ReceiveMessageRequest.builder()
              .queueUrl(queue.queueUrl())
              .maxNumberOfMessages(n)
              .waitTimeSeconds(waitTimeSeconds)
              .messageSystemAttributeNames(system)
              .messageAttributeNames("All");
      if (visibilityOverrideSeconds != null) {
        request.visibilityTimeout(visibilityOverrideSeconds);
      }
      requests[n] = request.build();
    }
  }

  /** Starts one poller; more follow as full responses come back. */
  public void start() {
    running = true;
    pollers.set(1);
    poll();
  }

  /** No new receive calls. Calls in flight go on; what they bring is the callback's to release. */
  public void stop() {
    running = false;
  }

  /**
   * Cancels the calls still long-polling (after {@link #stop()}). A message SQS hands to a cancelled
   * call stays invisible until its visibility timeout and is then redelivered: late, never lost.
   */
  public void cancel() {
    for (CompletableFuture<?> poll : polls) {
      poll.cancel(true);
    }
  }

  public boolean isRunning() {
    return running;
  }

  /**
   * No new receive calls until {@link #resume()} (calls in flight complete normally). Used while
   * a circuit breaker is open: every receive counts toward a message's maxReceiveCount.
   */
  public void pause() {
    paused = true;
  }

  /** Receives again after {@link #pause()}: the pollers that stopped start again. */
  public void resume() {
    paused = false;
    int n = parked.getAndSet(0);
    for (int i = 0; i < n; i++) {
      poll();
    }
  }

  public boolean isPaused() {
    return paused;
  }

  public Throwable lastError() {
    return lastError;
  }

  /** Pollers currently active (each has at most one receive call in flight). */
  public int pollers() {
    return pollers.get();
  }

  /**
   * How long a poller waits for a full batch of free slots before it receives fewer: 1.5 times the
   * average handler time (the handlers of one batch, started together, usually end together), but
   * at least 20 ms and at most 100 ms.
   */
  long partialReceiveDelayMillis() {
    return Math.max(
        MIN_PARTIAL_RECEIVE_DELAY_MILLIS,
        Math.min(MAX_PARTIAL_RECEIVE_DELAY_MILLIS, handlerTimes.averageMillis() * 3 / 2));
  }

  private void poll() {
    poll(fullBatch);
  }

  private void poll(int minSlots) {
    if (!running) {
      return;
    }
    if (paused) {
      parked.incrementAndGet();
      if (!paused && unpark()) { // resumed meanwhile, before it could restart this poller
        poll(minSlots);
      }
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
        schedulePartial(once);
      }
      return;
    }
    CompletableFuture<ReceiveMessageResponse> future;
    try {
      future = client.receiveMessage(requests[slots]);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ReceiveMessageResponse> f = future;
    long sentAt = System.nanoTime();
    Instant tracedFrom = tracing == null ? null : Instant.now();
    polls.add(f);
    f.whenComplete(
        (response, error) -> {
          polls.remove(f);
          if (tracedFrom != null) {
            tracing.received(tracedFrom, error == null ? response.messages() : List.of(), error);
          }
          if (error == null && !response.messages().isEmpty()) {
            roundTrips.record(System.nanoTime() - sentAt);
          }
          onResponse(slots, response, error);
        });
  }

  /**
   * How many messages may wait for a handler before receiving slows down: the handlers' intake
   * during one receive round trip ({@code concurrency x round trip / handler time}), at least
   * {@code concurrency}, at most {@code prefetch}.
   */
  int bufferTarget() {
    return bufferTarget(concurrency, prefetch, roundTrips.averageNanos(), handlerTimes.averageNanos());
  }

  /** {@link #bufferTarget()} as a pure function of its inputs (averages in nanoseconds, 0: not known yet). */
  static int bufferTarget(int concurrency, int prefetch, long roundTripNanos, long handlerNanos) {
    long handler = Math.max(1, handlerNanos);
    double intake = (double) concurrency * roundTripNanos / handler;
    return (int) Math.max(concurrency, Math.min(prefetch, intake));
  }

  /**
   * After the partial receive delay, receives whatever is free, unless messages are still waiting
   * for a handler: then handlers are not starved, and waiting on for a full batch saves calls.
   */
  private void schedulePartial(AtomicBoolean once) {
    schedule(
        () -> {
          if (once.get()) {
            return;
          }
          if (prefetched.getAsInt() > 0) {
            schedulePartial(once);
          } else if (once.compareAndSet(false, true)) {
            poll(1);
          }
        },
        partialReceiveDelayMillis());
  }

  private void onResponse(int slots, ReceiveMessageResponse response, Throwable error) {
    long now = System.nanoTime();
    if (error != null) {
      capacity.release(slots);
      onError(Acknowledger.unwrap(error));
      return;
    }
    lastError = null;
    errorsInARow.set(0);
    List<Message> messages = response.messages();
    capacity.release(slots - messages.size());
    metrics.receiveCall(messages.isEmpty());
    // the next call goes out first, so that it travels while these messages are decoded; but
    // with messages still waiting for a handler (handlers slower than receiving) pollers stop
    // down to one, which waits for the buffer to drain: prefetch is a bound, not a target
    int target = bufferTarget();
    boolean backlog = !messages.isEmpty() && prefetched.getAsInt() >= target;
    if (messages.isEmpty() || backlog) {
      if (!retire()) {
        if (backlog) {
          bufferGate.accept(target, this::poll);
        } else {
          poll();
        }
      }
    } else {
      if (messages.size() == Batcher.MAX_BATCH) {
        addPoller();
      }
      poll();
    }
    if (!messages.isEmpty()) {
      onMessages.accept(messages, now);
    }
  }

  private void onError(Throwable cause) {
    if (!running || cause instanceof CancellationException) {
      return;
    }
    lastError = cause;
    int n = errorsInARow.incrementAndGet();
    long delayMillis = Math.min(10_000L, 100L << Math.min(n - 1, 7));
    LOG.warn(
        "consumer '{}': receive from '{}' failed ({} in a row), retrying in {} ms: {}",
        consumer,
        queueName,
        n,
        delayMillis,
        cause.toString());
    schedule(this::poll, delayMillis);
  }

  /** Takes one parked poller back; false when {@link #resume()} already restarted them all. */
  private boolean unpark() {
    while (true) {
      int p = parked.get();
      if (p == 0) {
        return false;
      }
      if (parked.compareAndSet(p, p - 1)) {
        return true;
      }
    }
  }

  /** Ends this poller after an empty response, unless it is the last one. */
  private boolean retire() {
    while (true) {
      int p = pollers.get();
      if (p <= 1) {
        return false;
      }
      if (pollers.compareAndSet(p, p - 1)) {
        return true;
      }
    }
  }

  private void addPoller() {
    while (true) {
      int p = pollers.get();
      if (p >= maxPollers) {
        return;
      }
      if (pollers.compareAndSet(p, p + 1)) {
        poll();
        return;
      }
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }
}
