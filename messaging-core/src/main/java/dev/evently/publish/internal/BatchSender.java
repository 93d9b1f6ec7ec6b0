package dev.evently.publish.internal;

import dev.evently.internal.Meters;
import dev.evently.internal.Threads;
import dev.evently.publish.BufferFullException;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.PublishException;
import dev.evently.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * The engine behind {@code SnsPublisher}: checks each {@link EncodedMessage} (size, FIFO ids),
 * buffers it into batches ({@link BatchBuffer}: batching and the in-flight window), sends each
 * batch with one PublishBatch call, settles every entry from the answer ({@link Settlement}),
 * retries what is retryable after a {@link Backoff}, bounds what it holds ({@code maxBufferedEvents})
 * and, on {@link #close()}, waits for the outcomes at most {@code closeTimeout}. Thread-safe; see
 * {@code SnsPublisher} for the contract its futures keep.
 */
public final class BatchSender {
  /** Entries per PublishBatch call, fixed by SNS. */
  public static final int MAX_BATCH_ENTRIES = 10;

  private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** The settings, validated by the publisher's builder. */
  public record Settings(
      String topicArn,
      String topicName,
      boolean fifo,
      Duration linger,
      int maxMessageBytes,
      int maxConcurrentBatches,
      int maxAttempts,
      Backoff backoff,
      int maxBufferedEvents,
      Duration closeTimeout) {}

  private final Settings settings;
  private final String topicArn;
  private final Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> call;
  private final long lingerNanos;
  private final Counter publishedCounter;
  private final Counter failedCounter;
  private final DistributionSummary batchSizes;
  private final BatchBuffer<Pending> buffer;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Map<String, Integer> attributeBytes = new ConcurrentHashMap<>();
  private final Set<Flight> flights = ConcurrentHashMap.newKeySet();
  private final AtomicInteger outstanding = new AtomicInteger(); // accepted, no outcome yet
  private final AtomicInteger buffered = new AtomicInteger(); // slots taken, of maxBufferedEvents
  private final Object idle = new Object();
  private volatile boolean closed;
  private volatile boolean abandoned;

  /** {@code call} makes one PublishBatch call (the SNS client's {@code publishBatch}). */
  public BatchSender(
      Settings settings, Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> call, Meters meters) {
    this.settings = settings;
    this.topicArn = settings.topicArn();
    this.call = call;
    this.lingerNanos = settings.linger().toNanos();
    this.publishedCounter = meters.counter("evently.publish.published", "Events SNS accepted");
    this.failedCounter = meters.counter("evently.publish.failed", "Events not published (future failed)");
    this.batchSizes = meters.summary("evently.publish.batch.size", "Entries per PublishBatch call");
    meters.gauge(
        "evently.publish.buffered", "Events held without an outcome (bounded by maxBufferedEvents)", buffered,
        AtomicInteger::get);
    int window = settings.fifo() ? 1 : settings.maxConcurrentBatches();
    this.buffer = new BatchBuffer<>(MAX_BATCH_ENTRIES, settings.maxMessageBytes(), window, lingerNanos == 0);
    this.scheduler = Threads.scheduler("evently-publisher-" + settings.topicName());
  }

  public boolean isClosed() {
    return closed;
  }

  /** Fails {@code future} with {@code e} for an event refused before it reached this sender. */
  public void rejected(CompletableFuture<String> future, Throwable e) {
    failedCounter.increment();
    future.completeExceptionally(e);
  }

  /** Accepts {@code message} (or fails its future at once) and sends what is due. */
  public CompletableFuture<String> publish(EncodedMessage message) {
    CompletableFuture<String> future = enqueue(message);
    drainAndCheck();
    return future;
  }

  /** Accepts several messages, then sends what is due once. */
  public List<CompletableFuture<String>> publishAll(List<EncodedMessage> messages) {
    List<CompletableFuture<String>> futures = new ArrayList<>(messages.size());
    for (EncodedMessage m : messages) {
      futures.add(enqueue(m));
    }
    drainAndCheck();
    return futures;
  }

  private void drainAndCheck() {
    drain();
    if (abandoned) { // raced with a close() that gave up
      failUnsent();
    }
  }

  private CompletableFuture<String> enqueue(EncodedMessage m) {
    CompletableFuture<String> future = new CompletableFuture<>();
    String event = "event " + m.eventId() + " of type " + m.type();
    outstanding.incrementAndGet();
    if (closed) {
      finished();
      future.completeExceptionally(
          new IllegalStateException("publisher for " + topicArn + " is closed; event " + m.eventId() + " not sent"));
      return future;
    }
    if (buffered.incrementAndGet() > settings.maxBufferedEvents()) {
      refuse(future, new BufferFullException(m.eventId(), event + " was not sent: the publisher already holds"
          + " maxBufferedEvents " + settings.maxBufferedEvents()
          + " events without an outcome; publish it again once earlier futures have completed"));
      return future;
    }
    String groupId = null;
    String dedupId = null;
    if (settings.fifo()) {
      groupId = m.messageGroupId();
      dedupId = m.deduplicationId();
      String problem = groupId == null ? "must be set on a FIFO topic" : FifoIds.problem(groupId);
      String field = "MessageGroupId";
      if (problem == null && dedupId != null) {
        problem = FifoIds.problem(dedupId);
        field = "MessageDeduplicationId";
      }
      if (problem != null) {
        refuse(future, new IllegalArgumentException(event + " was not sent: " + field + " " + problem));
        return future;
      }
    }
    long size = (long) MessageSize.utf8Length(m.body()) + attributeBytes(m.attributes());
    if (size > settings.maxMessageBytes()) {
      refuse(future, new PublishException(m.eventId(), event + " is " + size + " bytes, more than maxMessageBytes "
          + settings.maxMessageBytes() + "; not sent", false, null));
      return future;
    }
    Batch<Pending> opened = buffer.add(new Pending(m, groupId, dedupId, future), (int) size);
    if (opened != null && lingerNanos > 0) {
      startLinger(opened);
    }
    return future;
  }

  private int attributeBytes(Map<String, String> attributes) {
    int bytes = 0;
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      // the common attribute is the event type: a few values, measured once each
      bytes += attributes.size() == 1
          ? attributeBytes.computeIfAbsent(a.getKey() + '\0' + a.getValue(),
              k -> MessageSize.stringAttribute(a.getKey(), a.getValue()))
          : MessageSize.stringAttribute(a.getKey(), a.getValue());
    }
    return bytes;
  }

  private void startLinger(Batch<Pending> batch) {
    try {
      scheduler.schedule(() -> {
        buffer.lingerExpired(batch);
        drain();
      }, lingerNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      buffer.lingerExpired(batch);
    }
  }

  private void drain() {
    if (DRAINING.get()) {
      return; // a call completed synchronously inside send(): the outer loop polls again
    }
    DRAINING.set(Boolean.TRUE);
    try {
      Batch<Pending> batch;
      while ((batch = buffer.poll()) != null) {
        batchSizes.record(batch.size());
        Flight flight = new Flight(batch.entries());
        flights.add(flight);
        send(flight, 1);
      }
    } finally {
      DRAINING.set(Boolean.FALSE);
    }
  }

  /** Sends a batch registered in {@link #flights}. */
  private void send(Flight flight, int attempt) {
    if (abandoned) { // close() gave up: it may not have seen this flight
      for (Pending p : flight.entries) {
        fail(p, gaveUp(p, attempt > 1));
      }
      landed(flight);
      return;
    }
    CompletableFuture<PublishBatchResponse> answer;
    try {
      answer = call.apply(Pending.request(topicArn, flight.entries));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((response, error) -> onOutcome(flight, attempt, response, error));
  }

  /** Every entry of {@code flight} is settled: frees its slot and sends what is due. */
  private void landed(Flight flight) {
    flights.remove(flight);
    buffer.done();
    drain();
  }

  private void onOutcome(Flight flight, int attempt, PublishBatchResponse response, Throwable error) {
    List<Pending> entries = flight.entries;
    List<Pending> retry = new ArrayList<>();
    try {
      Settlement s =
          error != null
              ? Settlement.ofError(entries.size(), attempt, settings.maxAttempts(), error)
              : Settlement.ofResponse(entries.size(), attempt, settings.maxAttempts(), response);
      for (Settlement.Accepted ok : s.accepted()) {
        Pending p = entries.get(ok.index());
        if (claim(p)) { // counted first: callbacks of the future see the meter updated
          publishedCounter.increment();
          p.future.complete(ok.messageId());
          finished();
        }
      }
      for (Settlement.Failed f : s.failed()) {
        Pending p = entries.get(f.index());
        fail(p, notPublished(p, attempt, f.why(), f.retryable(), f.cause()));
      }
      for (int i : s.retry()) {
        retry.add(entries.get(i));
      }
    } catch (RuntimeException e) {
      for (Pending p : entries) {
        fail(p, notPublished(p, attempt, "unexpected " + e, false, e));
      }
      retry.clear();
    }
    if (!retry.isEmpty()) {
      Flight again = new Flight(retry); // keeps the batch's slot
      flights.add(again);
      flights.remove(flight);
      try {
        long delay = settings.backoff().delay(attempt).toNanos();
        scheduler.schedule(() -> send(again, attempt + 1), delay, TimeUnit.NANOSECONDS);
        return;
      } catch (RejectedExecutionException e) {
        for (Pending p : retry) {
          fail(p, notPublished(p, attempt, "publisher stopped before retry", true, e));
        }
        flight = again;
      }
    }
    landed(flight);
  }

  private PublishException notPublished(Pending p, int attempts, String why, boolean retryable, Throwable cause) {
    return new PublishException(
        p.message.eventId(),
        p.describe() + " was not published to " + topicArn + " (" + attempts
            + (attempts == 1 ? " attempt): " : " attempts): ") + why,
        retryable,
        cause);
  }

  /**
   * Sends what is buffered and blocks until every accepted event has its outcome, but at most
   * closeTimeout; then fails the rest ("not sent" / "not confirmed", retryable). Idempotent.
   */
  public void close() {
    closed = true;
    buffer.flush();
    drain();
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    synchronized (idle) {
      try {
        long left;
        while (outstanding.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(idle, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (outstanding.get() > 0) {
      abandon();
    }
    scheduler.shutdown();
  }

  private void abandon() {
    abandoned = true; // set first: a batch or event added later sees it (send(), publish())
    failUnsent();
    for (Flight flight : flights) {
      for (Pending p : flight.entries) {
        fail(p, gaveUp(p, true));
      }
    }
    scheduler.shutdownNow(); // pending retries: their events have just failed
  }

  private void failUnsent() {
    for (Pending p : buffer.drainAll()) {
      fail(p, gaveUp(p, false));
    }
  }

  private PublishException gaveUp(Pending p, boolean sent) {
    String timeout = "closeTimeout " + settings.closeTimeout().toMillis() + "ms ran out";
    String message =
        sent
            ? p.describe() + " was not confirmed by " + topicArn + " before " + timeout + "; SNS may or may not have it"
            : p.describe() + " was not sent to " + topicArn + ": " + timeout;
    return new PublishException(p.message.eventId(), message, true, null);
  }

  /** Fails an event that holds a buffer slot but was never batched. */
  private void refuse(CompletableFuture<String> future, RuntimeException e) {
    buffered.decrementAndGet();
    failedCounter.increment();
    future.completeExceptionally(e);
    finished();
  }

  private void fail(Pending p, PublishException e) {
    if (claim(p)) { // counted first: callbacks of the future see the meter updated
      failedCounter.increment();
      p.future.completeExceptionally(e);
      finished();
    }
  }

  /**
   * True for the one caller that settles {@code p} (an SNS answer or close() giving up); frees its
   * buffer slot before its future completes, so a callback may publish again.
   */
  private boolean claim(Pending p) {
    if (!p.compareAndSet(false, true)) {
      return false;
    }
    buffered.decrementAndGet();
    return true;
  }

  private void finished() {
    if (outstanding.decrementAndGet() == 0 && closed) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** One batch call's entries, from its first send until each is settled (retries included). */
  private static final class Flight {
    final List<Pending> entries;

    Flight(List<Pending> entries) {
      this.entries = entries;
    }
  }
}
