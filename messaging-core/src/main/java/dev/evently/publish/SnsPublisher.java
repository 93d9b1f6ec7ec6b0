package dev.evently.publish;

import dev.evently.internal.Checks;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.publish.internal.Backoff;
import dev.evently.publish.internal.Batch;
import dev.evently.publish.internal.BatchBuffer;
import dev.evently.publish.internal.MessageSize;
import dev.evently.publish.internal.SnsErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/**
 * Publishes events to one SNS topic with {@code PublishBatch}, batching automatically.
 *
 * <p><b>Batching.</b> Each event is encoded with the {@link EventCodec} (in the calling thread) and
 * joins the open batch. A batch is sent when it holds 10 entries, when the next event would push
 * its total size past {@link Builder#maxMessageBytes(int)} (SNS counts the whole PublishBatch
 * payload), when its {@link Builder#linger(Duration) linger} expires (0 = at once), and on {@link
 * #close()}. Up to {@link Builder#maxConcurrentBatches(int)} batches are in flight at once; while
 * all slots are busy, due batches keep filling.
 *
 * <p><b>Back-pressure.</b> The publisher holds at most {@link Builder#maxBufferedEvents(int)}
 * events without an outcome (buffered, in flight or waiting for a retry; default 10,000), so a
 * producer faster than SNS cannot fill the heap. {@code publish} never blocks: an event published
 * while the publisher is full is not sent, and its future fails at once with a {@link
 * BufferFullException} (retryable). Nothing is dropped silently: the caller decides whether to
 * slow down and publish it again (the outbox relay retries the row later). A slot is freed just
 * before its event's future completes, so a caller that publishes from a completion callback, or
 * after waiting for earlier futures, finds it free.
 *
 * <p><b>Attributes.</b> Every message carries the String attribute {@link EventAttributes#TYPE}
 * (the event type) so subscriptions can filter on it. On FIFO topics (ARN ending in {@code
 * .fifo}) the {@code MessageGroupId} is the event's subject (its id when it has none) and the
 * {@code MessageDeduplicationId} is the event id. SNS refuses a PublishBatch in which one of
 * them is invalid, so each event is checked before it joins a batch: one that is empty, longer
 * than 128 characters or has a character other than a-z, A-Z, 0-9 and ASCII punctuation is not
 * sent, and its future alone fails with an {@link IllegalArgumentException} naming the field.
 *
 * <p><b>Outcome.</b> The future of {@link #publish(Event)} completes with the SNS message id once
 * SNS accepted that very entry (every entry of every batch response is checked), or exceptionally
 * with a {@link PublishException} naming the event id, type, SNS error code and message. An event
 * is never reported as published when its entry failed. Throttling, internal/5xx and transport
 * failures are retried with exponential backoff and jitter up to {@link Builder#maxAttempts(int)}
 * attempts in total; then the future fails with a retryable {@code PublishException}. Other
 * failures (e.g. invalid parameters) fail only that event's future, with a non-retryable one. An
 * event larger than {@code maxMessageBytes}, or that the codec cannot encode, is refused before any
 * call: its future fails with a non-retryable {@code PublishException} naming its id, type and
 * size. A failed future means SNS may or may not have the event (a timeout can hide a success):
 * publishing it again is safe only because consumers deduplicate by event id.
 *
 * <p><b>Ordering.</b> On standard topics there is no ordering: concurrent batches and retries may
 * reorder events. On FIFO topics one batch is in flight at a time so events of one message group
 * keep the order in which {@code publish} was called (calls from one thread, or otherwise ordered);
 * a retried entry may land after later events of its group that were in the same batch.
 *
 * <p><b>Threads.</b> Immutable configuration; thread-safe. Futures complete on SDK threads, on
 * this publisher's single daemon scheduler thread (linger timers, retry backoff) or, when the
 * event is refused before any call, in the calling thread: do not block in their callbacks.
 * {@link #close()} makes the open batch due, waits until every accepted event has its outcome but
 * at most {@link Builder#closeTimeout(Duration) closeTimeout} (default 30 s), then fails the
 * events still without one with a retryable {@code PublishException} and stops the scheduler; on
 * return every future is complete. It does not close the SNS client, which the caller owns. After
 * close every {@code publish} returns a future failed with {@link IllegalStateException}.
 */
public final class SnsPublisher implements EventPublisher {
  /** Entries per PublishBatch call, fixed by SNS. */
  public static final int MAX_BATCH_ENTRIES = 10;
  /** The default and SNS's standard size limit of one message and of one PublishBatch: 256 KiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
  /** The largest size a topic can be configured to accept: 1 MiB. */
  public static final int MAX_MESSAGE_BYTES_LIMIT = 1024 * 1024;
  /** The default of {@link Builder#maxBufferedEvents(int)}. */
  public static final int DEFAULT_MAX_BUFFERED_EVENTS = 10_000;
  /** The default of {@link Builder#closeTimeout(Duration)}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static final String[] ENTRY_IDS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  private final SnsAsyncClient client;
  private final String topicArn;
  private final String topicName;
  private final boolean fifo;
  private final EventCodec codec;
  private final Duration linger;
  private final long lingerNanos;
  private final int maxMessageBytes;
  private final int maxConcurrentBatches;
  private final int maxAttempts;
  private final int maxBufferedEvents;
  private final Duration closeTimeout;
  private final Backoff backoff;
  private final Counter publishedCounter;
  private final Counter failedCounter;
  private final DistributionSummary batchSizes;

  private final BatchBuffer<Pending> buffer;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Map<String, TypeAttributes> attributesByType = new ConcurrentHashMap<>();
  /** Accepted events without an outcome yet; close() waits for zero. */
  private final AtomicLong outstanding = new AtomicLong();
  /** Buffer slots taken: released just before an event's future completes. */
  private final AtomicInteger buffered = new AtomicInteger();
  /** Batches handed to SNS or waiting for a retry, until their last entry is settled. */
  private final Set<Flight> flights = ConcurrentHashMap.newKeySet();
  private final Object idle = new Object();
  private volatile boolean closed;
  /** close() ran out of time: batches still to be sent fail instead. */
  private volatile boolean abandoned;

  private SnsPublisher(Builder b) {
    this.client = b.client;
    this.topicArn = b.topicArn;
    this.topicName = topicArn.substring(topicArn.lastIndexOf(':') + 1);
    this.fifo = topicName.endsWith(".fifo");
    this.codec = b.codec;
    this.linger = b.linger;
    this.lingerNanos = b.linger.toNanos();
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxConcurrentBatches = fifo ? 1 : b.maxConcurrentBatches;
    this.maxAttempts = b.maxAttempts;
    this.maxBufferedEvents = b.maxBufferedEvents;
    this.closeTimeout = b.closeTimeout;
    this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
    if (b.meterRegistry != null) {
      this.publishedCounter =
          Counter.builder("evently.publish.published").tag("topic", topicName).register(b.meterRegistry);
      this.failedCounter =
          Counter.builder("evently.publish.failed").tag("topic", topicName).register(b.meterRegistry);
      this.batchSizes =
          DistributionSummary.builder("evently.publish.batch.size")
              .tag("topic", topicName)
              .register(b.meterRegistry);
      Gauge.builder("evently.publish.buffered", buffered, AtomicInteger::get)
          .description("Events held without an outcome (bounded by maxBufferedEvents)")
          .tag("topic", topicName)
          .strongReference(true)
          .register(b.meterRegistry);
    } else {
      this.publishedCounter = null;
      this.failedCounter = null;
      this.batchSizes = null;
    }
    this.buffer =
        new BatchBuffer<>(MAX_BATCH_ENTRIES, maxMessageBytes, maxConcurrentBatches, lingerNanos == 0);
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "evently-publisher-" + topicName);
              t.setDaemon(true);
              return t;
            });
    this.scheduler.setRemoveOnCancelPolicy(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String topicArn() {
    return topicArn;
  }

  public boolean isFifo() {
    return fifo;
  }

  public Duration linger() {
    return linger;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The batches allowed in flight: as configured, or 1 on a FIFO topic. */
  public int maxConcurrentBatches() {
    return maxConcurrentBatches;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public int maxBufferedEvents() {
    return maxBufferedEvents;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Publishes one event; see the class comment for what the future means.
   *
   * @throws NullPointerException if {@code event} is null
   */
  @Override
  public CompletableFuture<String> publish(Event<?> event) {
    CompletableFuture<String> future = enqueue(event);
    drain();
    if (abandoned) { // raced with a close() that gave up
      failUnsent();
    }
    return future;
  }

  /** Publishes several events, batching them together; one future per event, in the same order. */
  @Override
  public List<CompletableFuture<String>> publishAll(Collection<? extends Event<?>> events) {
    Objects.requireNonNull(events, "events must not be null");
    List<CompletableFuture<String>> futures = new ArrayList<>(events.size());
    for (Event<?> event : events) {
      futures.add(enqueue(event));
    }
    drain();
    if (abandoned) { // raced with a close() that gave up
      failUnsent();
    }
    return futures;
  }

  /**
   * Sends what is buffered and blocks until every accepted event has its outcome (retries
   * included), but at most {@link Builder#closeTimeout(Duration) closeTimeout}. Then every event
   * still without an outcome fails with a retryable {@link PublishException}: "not sent" when it
   * never left the buffer, "not confirmed" when a call for it was made (SNS may or may not have
   * it); a late answer from SNS no longer changes its future. On return every future is complete,
   * except when the waiting thread was interrupted: that stops the wait, not the publishing.
   * Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    buffer.flush();
    drain();
    long deadline = System.nanoTime() + closeTimeout.toNanos();
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

  /** Fails every event without an outcome; see {@link #close()}. */
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
    String timeout = "closeTimeout " + closeTimeout.toMillis() + "ms ran out";
    String message =
        sent
            ? describe(p) + " was not confirmed by " + topicArn + " before " + timeout + "; SNS may or may not have it"
            : describe(p) + " was not sent to " + topicArn + ": " + timeout;
    return new PublishException(p.eventId, message, true, null);
  }

  private CompletableFuture<String> enqueue(Event<?> event) {
    Objects.requireNonNull(event, "event must not be null");
    CompletableFuture<String> future = new CompletableFuture<>();
    outstanding.incrementAndGet();
    if (closed) {
      finished();
      future.completeExceptionally(
          new IllegalStateException("publisher for " + topicArn + " is closed; event " + event.id() + " not sent"));
      return future;
    }
    if (buffered.incrementAndGet() > maxBufferedEvents) {
      refuse(
          future,
          new BufferFullException(
              event.id(),
              describe(event)
                  + " was not sent: the publisher already holds maxBufferedEvents "
                  + maxBufferedEvents
                  + " events without an outcome; publish it again once earlier futures have completed"));
      return future;
    }
    String groupId = null;
    if (fifo) {
      groupId = event.subject() != null ? event.subject() : event.id();
      String problem = fifoIdProblem(groupId);
      String field = "MessageGroupId (the event's " + (event.subject() != null ? "subject" : "id") + ")";
      if (problem == null) {
        problem = fifoIdProblem(event.id());
        field = "MessageDeduplicationId (the event's id)";
      }
      if (problem != null) {
        refuse(future, new IllegalArgumentException(describe(event) + " was not sent: " + field + " " + problem));
        return future;
      }
    }
    String message;
    try {
      message = codec.encode(event);
    } catch (RuntimeException e) {
      refuse(future, new PublishException(event.id(), describe(event) + " cannot be encoded: " + e.getMessage(), false, e));
      return future;
    }
    TypeAttributes attributes = attributesByType.computeIfAbsent(event.type(), TypeAttributes::new);
    long size = (long) MessageSize.utf8Length(message) + attributes.bytes;
    if (size > maxMessageBytes) {
      refuse(
          future,
          new PublishException(
              event.id(),
              describe(event) + " is " + size + " bytes, more than maxMessageBytes " + maxMessageBytes + "; not sent",
              false,
              null));
      return future;
    }
    Pending pending = new Pending(event.id(), event.type(), message, attributes.map, groupId, future);
    Batch<Pending> opened = buffer.add(pending, (int) size);
    if (opened != null && lingerNanos > 0) {
      startLinger(opened);
    }
    return future;
  }

  private void startLinger(Batch<Pending> batch) {
    try {
      scheduler.schedule(
          () -> {
            buffer.lingerExpired(batch);
            drain();
          },
          lingerNanos,
          TimeUnit.NANOSECONDS);
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
        if (batchSizes != null) {
          batchSizes.record(batch.size());
        }
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
    CompletableFuture<PublishBatchResponse> call;
    try {
      call = client.publishBatch(request(flight.entries));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((response, error) -> onOutcome(flight, attempt, response, error));
  }

  /** Every entry of {@code flight} is settled: frees its slot and sends what is due. */
  private void landed(Flight flight) {
    flights.remove(flight);
    buffer.done();
    drain();
  }

  private PublishBatchRequest request(List<Pending> entries) {
    List<PublishBatchRequestEntry> requestEntries = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Pending p = entries.get(i);
      PublishBatchRequestEntry.Builder entry =
          PublishBatchRequestEntry.builder().id(ENTRY_IDS[i]).message(p.message).messageAttributes(p.attributes);
      if (p.groupId != null) {
        entry.messageGroupId(p.groupId).messageDeduplicationId(p.eventId);
      }
      requestEntries.add(entry.build());
    }
    return PublishBatchRequest.builder().topicArn(topicArn).publishBatchRequestEntries(requestEntries).build();
  }

  private void onOutcome(Flight flight, int attempt, PublishBatchResponse response, Throwable error) {
    List<Pending> entries = flight.entries;
    List<Pending> retry = null;
    try {
      if (error != null) {
        boolean retryable = SnsErrors.isRetryable(error);
        if (retryable && attempt < maxAttempts) {
          retry = entries;
        } else {
          Throwable cause = SnsErrors.unwrap(error);
          String why = SnsErrors.code(error) + ": " + cause.getMessage();
          for (Pending p : entries) {
            fail(p, notPublished(p, attempt, why, retryable, cause));
          }
        }
      } else {
        retry = settle(entries, attempt, response);
      }
    } catch (RuntimeException e) {
      for (Pending p : entries) {
        fail(p, notPublished(p, attempt, "unexpected " + e, false, e));
      }
      retry = null;
    }
    if (retry != null) {
      Flight again = new Flight(retry); // keeps the batch's slot
      flights.add(again);
      flights.remove(flight);
      try {
        scheduler.schedule(() -> send(again, attempt + 1), backoff.delayNanos(attempt), TimeUnit.NANOSECONDS);
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

  /** Completes the entries SNS answered; returns those to send again, or null. */
  private List<Pending> settle(List<Pending> entries, int attempt, PublishBatchResponse response) {
    boolean[] answered = new boolean[entries.size()];
    for (PublishBatchResultEntry ok : response.successful()) {
      int i = indexOf(ok.id(), entries.size());
      if (i >= 0 && !answered[i]) {
        answered[i] = true;
        Pending p = entries.get(i);
        if (claim(p)) { // counted first: callbacks of the future see the meter updated
          if (publishedCounter != null) {
            publishedCounter.increment();
          }
          p.future.complete(ok.messageId());
          finished();
        }
      }
    }
    List<Pending> retry = null;
    for (BatchResultErrorEntry failed : response.failed()) {
      int i = indexOf(failed.id(), entries.size());
      if (i < 0 || answered[i]) {
        continue;
      }
      answered[i] = true;
      Pending p = entries.get(i);
      boolean retryable = SnsErrors.isRetryable(failed.code(), failed.senderFault());
      if (retryable && attempt < maxAttempts) {
        retry = add(retry, p);
      } else {
        fail(p, notPublished(p, attempt, failed.code() + ": " + failed.message(), retryable, null));
      }
    }
    for (int i = 0; i < answered.length; i++) {
      if (!answered[i]) {
        Pending p = entries.get(i);
        if (attempt < maxAttempts) {
          retry = add(retry, p);
        } else {
          fail(p, notPublished(p, attempt, "SNS returned no result for the entry", true, null));
        }
      }
    }
    return retry;
  }

  private static List<Pending> add(List<Pending> list, Pending p) {
    List<Pending> l = list != null ? list : new ArrayList<>(MAX_BATCH_ENTRIES);
    l.add(p);
    return l;
  }

  private static int indexOf(String entryId, int size) {
    if (entryId == null || entryId.length() != 1) {
      return -1;
    }
    int i = entryId.charAt(0) - '0';
    return i >= 0 && i < size ? i : -1;
  }

  private PublishException notPublished(Pending p, int attempts, String why, boolean retryable, Throwable cause) {
    return new PublishException(
        p.eventId,
        "event "
            + p.eventId
            + " of type "
            + p.type
            + " was not published to "
            + topicArn
            + " ("
            + attempts
            + (attempts == 1 ? " attempt): " : " attempts): ")
            + why,
        retryable,
        cause);
  }

  private static String describe(Event<?> event) {
    return "event " + event.id() + " of type " + event.type();
  }

  private static String describe(Pending p) {
    return "event " + p.eventId + " of type " + p.type;
  }

  /**
   * Why SNS would refuse {@code id} as a FIFO MessageGroupId or MessageDeduplicationId (1..128
   * characters: a-z, A-Z, 0-9 and ASCII punctuation), or null when it would not.
   */
  private static String fifoIdProblem(String id) {
    int length = id.length();
    if (length == 0 || length > 128) {
      return "must have 1..128 characters but has " + length + " characters";
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c < '!' || c > '~') {
        return String.format(
            "may contain only a-z, A-Z, 0-9 and punctuation but has '%c' at index %d (U+%04X)", c, i, (int) c);
      }
    }
    return null;
  }

  /** Fails an event that holds a buffer slot but was never batched. */
  private void refuse(CompletableFuture<String> future, RuntimeException e) {
    buffered.decrementAndGet();
    if (failedCounter != null) {
      failedCounter.increment();
    }
    future.completeExceptionally(e);
    finished();
  }

  private void fail(Pending p, PublishException e) {
    if (claim(p)) { // counted first: callbacks of the future see the meter updated
      if (failedCounter != null) {
        failedCounter.increment();
      }
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

  @Override
  public String toString() {
    return "SnsPublisher[" + topicArn + "]";
  }

  /** One batch call's entries, from its first send until each is settled (retries included). */
  private static final class Flight {
    final List<Pending> entries;

    Flight(List<Pending> entries) {
      this.entries = entries;
    }
  }

  /** An accepted event; true once settled. */
  @SuppressWarnings("serial")
  private static final class Pending extends AtomicBoolean {
    final String eventId;
    final String type;
    final String message;
    final Map<String, MessageAttributeValue> attributes;
    final String groupId;
    final CompletableFuture<String> future;

    Pending(
        String eventId,
        String type,
        String message,
        Map<String, MessageAttributeValue> attributes,
        String groupId,
        CompletableFuture<String> future) {
      this.eventId = eventId;
      this.type = type;
      this.message = message;
      this.attributes = attributes;
      this.groupId = groupId;
      this.future = future;
    }
  }

  private static final class TypeAttributes {
    final Map<String, MessageAttributeValue> map;
    final int bytes;

    TypeAttributes(String type) {
      this.map =
          Map.of(EventAttributes.TYPE, MessageAttributeValue.builder().dataType("String").stringValue(type).build());
      this.bytes = MessageSize.stringAttribute(EventAttributes.TYPE, type);
    }
  }

  /**
   * Builder; {@link #client}, {@link #topicArn} and {@link #codec} are required. Each setter
   * validates its value and throws {@link IllegalArgumentException} naming the field.
   */
  public static final class Builder {
    private SnsAsyncClient client;
    private String topicArn;
    private EventCodec codec;
    private Duration linger = Duration.ofMillis(5);
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxConcurrentBatches = 8;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private MeterRegistry meterRegistry;
    private int maxBufferedEvents = DEFAULT_MAX_BUFFERED_EVENTS;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder() {}

    /**
     * The SNS client, built by the caller with the SDK's own configuration chain (AWS_REGION,
     * AWS_ENDPOINT_URL, profiles). The publisher never closes it.
     */
    public Builder client(SnsAsyncClient client) {
      this.client = Checks.notNull(client, "client");
      return this;
    }

    /** The topic to publish to; an ARN ending in {@code .fifo} is a FIFO topic. */
    public Builder topicArn(String topicArn) {
      if (topicArn == null || !topicArn.startsWith("arn:") || topicArn.split(":", -1).length != 6
          || topicArn.endsWith(":")) {
        throw new IllegalArgumentException(
            "topicArn must be an SNS topic ARN (arn:aws:sns:region:account:name) but was '" + topicArn + "'");
      }
      this.topicArn = topicArn;
      return this;
    }

    /** Encodes events; its type registry decides which events can be published. */
    public Builder codec(EventCodec codec) {
      this.codec = Checks.notNull(codec, "codec");
      return this;
    }

    /** How long a batch that is not full waits for more events; 0 sends at once. Default 5 ms. */
    public Builder linger(Duration linger) {
      if (linger == null || linger.isNegative()) {
        throw new IllegalArgumentException("linger must be >= 0");
      }
      if (linger.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("linger must be <= 1 minute");
      }
      this.linger = linger;
      return this;
    }

    /**
     * The size limit of one message, and of one PublishBatch in total, in bytes as SNS counts
     * them (body plus attributes). Default 256 KiB; at most 1 MiB, for topics configured so.
     */
    public Builder maxMessageBytes(int maxMessageBytes) {
      if (maxMessageBytes < 1024 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxMessageBytes must be in 1024.." + MAX_MESSAGE_BYTES_LIMIT);
      }
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** How many PublishBatch calls may be in flight at once (standard topics). Default 8. */
    public Builder maxConcurrentBatches(int maxConcurrentBatches) {
      if (maxConcurrentBatches < 1 || maxConcurrentBatches > 1024) {
        throw new IllegalArgumentException("maxConcurrentBatches must be in 1..1024");
      }
      this.maxConcurrentBatches = maxConcurrentBatches;
      return this;
    }

    /** Attempts per event in total, the first included, for retryable failures. Default 5. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be in 1..100");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait before the first retry; it doubles per retry, with jitter. Default 50 ms. */
    public Builder initialBackoff(Duration initialBackoff) {
      if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException("initialBackoff must be > 0");
      }
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** The longest wait between retries. Default 2 s; must be >= initialBackoff. */
    public Builder maxBackoff(Duration maxBackoff) {
      if (maxBackoff == null || maxBackoff.isNegative() || maxBackoff.isZero()) {
        throw new IllegalArgumentException("maxBackoff must be > 0");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * Records {@code evently.publish.published} and {@code evently.publish.failed} (counters),
     * {@code evently.publish.batch.size} (distribution) and {@code evently.publish.buffered}
     * (gauge: events held without an outcome, at most {@link #maxBufferedEvents(int)}), tagged
     * with the topic name. Default none.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * How many events the publisher holds at most without an outcome: buffered, in flight or
     * waiting for a retry. An event published while that many are held is not sent: its future
     * fails at once with a {@link BufferFullException}, and {@code publish} never blocks. Each
     * slot is free again just before its event's future completes. Default 10,000.
     */
    public Builder maxBufferedEvents(int maxBufferedEvents) {
      if (maxBufferedEvents < 1) {
        throw new IllegalArgumentException("maxBufferedEvents must be >= 1");
      }
      this.maxBufferedEvents = maxBufferedEvents;
      return this;
    }

    /**
     * How long {@link SnsPublisher#close()} waits for outstanding events before it fails them;
     * 0 fails them at once. Default 30 s.
     */
    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be >= 0");
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    public SnsPublisher build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (topicArn == null) {
        throw new IllegalArgumentException("topicArn must be set");
      }
      if (codec == null) {
        throw new IllegalArgumentException("codec must be set");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
      }
      return new SnsPublisher(this);
    }
  }
}
