package dev.evently.outbox;

import dev.evently.internal.Checks;
import static dev.evently.jdbc.internal.Jdbc.ts;

import dev.evently.event.Event;
import dev.evently.event.EventDecodingException;
import dev.evently.jdbc.internal.Dialect;
import dev.evently.jdbc.internal.Jdbc;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.PublishException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Publishes the events that committed transactions wrote into the {@link Outbox}, through one
 * {@link EventPublisher} per topic, and marks them published.
 *
 * <p><b>Claiming.</b> Each batch runs in one transaction: it locks up to {@code batchSize} pending
 * rows in id order with {@code SELECT ... FOR UPDATE SKIP LOCKED}, publishes them, and marks them
 * published (or, with a zero retention, deletes them) before committing. Several relays, in one
 * process or many, therefore never publish the same row concurrently; on PostgreSQL each takes the
 * rows the others have not locked. On H2 the relay uses plain {@code FOR UPDATE} (H2 2.4 accepts
 * {@code SKIP LOCKED}, but with it a second relay published rows of a key ahead of older ones
 * locked by the first): relays on H2 take turns, a relay waiting longer than H2's {@code
 * LOCK_TIMEOUT} logs the timeout and polls again later. Pending rows are
 * found by state ({@code published_at IS NULL}), never by "id greater than the last one seen", so a
 * row whose transaction commits late is not skipped.
 *
 * <p><b>Order per key.</b> Rows with the same key (the event's subject) are published in id order:
 * a row is held back while an older row with its key is still pending anywhere (locked by another
 * relay, or waiting for a retry), and within a batch a key's rows are published one after the other
 * and stop at the first failure. Rows without a subject have no order.
 *
 * <p><b>Failures.</b> A row that fails to publish (SNS unreachable or throttling, a full publisher,
 * a timeout, no publisher for its topic, a payload that no longer decodes) stays pending with
 * {@code attempts} incremented, {@code last_error} set and {@code next_attempt_at} pushed back
 * exponentially up to the maximum backoff; it is retried for ever, so nothing is lost, and it holds
 * back the newer rows of its key.
 *
 * <p><b>Parked rows.</b> A row whose event the publisher refused for good (a non-{@link
 * PublishException#retryable() retryable} {@code PublishException} not caused by an AWS SDK
 * exception, e.g. too large for SNS or not encodable, or an {@link IllegalArgumentException},
 * e.g. a FIFO group id SNS would refuse) would fail the same way for ever and hold its key back
 * for ever. It is parked instead: {@code parked_at} and {@code last_error} are set, it is logged at
 * ERROR (event id, type, topic, subject and reason; never the payload) and counted in {@code
 * evently.outbox.parked}, it is never picked again nor purged, and the newer rows of its key go
 * ahead. {@link #parked(int)} lists parked rows, {@link #retryParked(String)} makes one pending
 * again. A whole call SNS refuses (access denied, topic not found) is about the topic or the
 * credentials, not the event, and is retried like an outage. Delivery
 * is at least once: a relay that dies after publishing but before committing, or a publish that
 * times out but later succeeds, publishes the row again. Consumers deduplicate by event id.
 *
 * <p><b>Latency.</b> While rows flow the relay polls again at once; when a poll finds nothing, the
 * interval doubles from the minimum to the maximum poll interval (cheap when idle). An {@link
 * Outbox} in the same process wakes the relay on every write, after which it polls at the minimum
 * interval again (the row becomes visible when its transaction commits).
 *
 * <p>Thread-safe. {@link #start()} runs the loop on one daemon thread; {@link #close()} stops it
 * and waits for the current batch; the publishers are not closed (the caller owns them).
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  private final DataSource dataSource;
  private final Outbox outbox;
  private final Function<String, EventPublisher> publishers;
  private final int batchSize;
  private final Duration minPoll;
  private final Duration maxPoll;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration publishTimeout;
  private final Duration retention;
  private final Clock clock;
  private final String table;
  private final String selectSql;
  private final Counter publishedCounter;
  private final Counter failedCounter;
  private final Counter parkedCounter;
  private final Timer delayTimer;

  private final Semaphore wakeups = new Semaphore(0);
  private final Runnable wakeListener = this::wakeUp;
  private final Object lifecycle = new Object();
  private volatile boolean running;
  private volatile long idleDelayMs;
  private Thread thread;
  private Instant lastPurge = Instant.MIN;

  private OutboxRelay(Builder b) {
    this.dataSource = b.dataSource;
    this.outbox = b.outbox;
    this.publishers = b.publishers;
    this.batchSize = b.batchSize;
    this.minPoll = b.minPoll;
    this.maxPoll = b.maxPoll;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.publishTimeout = b.publishTimeout;
    this.retention = b.retention;
    this.clock = b.clock;
    this.table = outbox.table();
    this.selectSql =
        "SELECT id, event_id, topic, msg_key, event_type, payload, attempts, created_at FROM " + table
            + " WHERE published_at IS NULL AND parked_at IS NULL"
            + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            + " ORDER BY id LIMIT ? FOR UPDATE" + (b.dialect == Dialect.H2 ? "" : " SKIP LOCKED");
    MeterRegistry registry = b.meterRegistry;
    if (registry != null) {
      publishedCounter =
          Counter.builder("evently.outbox.published").tag("table", table)
              .description("outbox rows published").register(registry);
      failedCounter =
          Counter.builder("evently.outbox.failed").tag("table", table)
              .description("outbox publish attempts that failed (the row is retried)").register(registry);
      parkedCounter =
          Counter.builder("evently.outbox.parked").tag("table", table)
              .description("outbox rows parked: refused for good by the publisher, not retried").register(registry);
      delayTimer =
          Timer.builder("evently.outbox.delay").tag("table", table)
              .description("time from writing an outbox row to publishing it").register(registry);
    } else {
      publishedCounter = null;
      failedCounter = null;
      parkedCounter = null;
      delayTimer = null;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the relay loop on a daemon thread. Calling it twice is an error. */
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        throw new IllegalStateException("relay already started");
      }
      running = true;
      outbox.onPublish(wakeListener);
      thread = new Thread(this::loop, "evently-outbox-relay-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Stops the loop and waits for the batch in flight; idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      running = false;
      outbox.removeListener(wakeListener);
      t = thread;
    }
    wakeUp();
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(publishTimeout.plusSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void wakeUp() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  private void loop() {
    long delayMs = 0;
    while (running) {
      int published = 0;
      try {
        published = relayOnce();
        purgeIfDue();
      } catch (RuntimeException e) {
        log.warn("outbox relay on {} failed, retrying in {}: {}", table, maxPoll, e.toString());
        delayMs = maxPoll.toMillis();
      }
      if (published > 0) {
        delayMs = 0;
      } else if (delayMs < maxPoll.toMillis()) {
        delayMs = delayMs == 0 ? minPoll.toMillis() : Math.min(delayMs * 2, maxPoll.toMillis());
      }
      idleDelayMs = delayMs;
      if (delayMs > 0 && running) {
        try {
          if (wakeups.tryAcquire(delayMs, TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
            delayMs = 0;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Publishes one batch of pending rows now, in the calling thread; returns how many were
   * published. The loop started by {@link #start()} calls this; it is also safe to call directly
   * (e.g. from a scheduler of your own instead of {@code start()}).
   *
   * @throws IllegalStateException when the database fails (nothing is marked; rows stay pending)
   */
  public int relayOnce() {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        int published = relayBatch(c);
        c.commit();
        return published;
      } catch (SQLException | RuntimeException e) {
        Jdbc.rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("outbox relay on table " + table + " failed: " + e.getMessage(), e);
    }
  }

  private int relayBatch(Connection c) throws SQLException {
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(selectSql)) {
      ps.setObject(1, ts(now));
      ps.setInt(2, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getLong("id"),
                  rs.getString("event_id"),
                  rs.getString("topic"),
                  rs.getString("msg_key"),
                  rs.getString("event_type"),
                  rs.getString("payload"),
                  rs.getInt("attempts"),
                  rs.getObject("created_at", OffsetDateTime.class)));
        }
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    Set<String> blocked = keysWithOlderPendingRows(c, rows);
    Map<Object, ArrayDeque<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      if (row.key == null) {
        groups.put(row.id, new ArrayDeque<>(List.of(row)));
      } else if (!blocked.contains(row.key)) {
        groups.computeIfAbsent(row.key, k -> new ArrayDeque<>()).add(row);
      }
    }
    List<Row> published = new ArrayList<>();
    Map<Row, String> failed = new LinkedHashMap<>();
    Map<Row, String> parked = new LinkedHashMap<>();
    while (!groups.isEmpty()) {
      List<Row> round = new ArrayList<>(groups.size());
      List<CompletableFuture<String>> futures = new ArrayList<>(groups.size());
      for (ArrayDeque<Row> group : groups.values()) {
        Row row = group.peekFirst();
        round.add(row);
        futures.add(publish(row));
      }
      awaitAll(futures);
      Iterator<ArrayDeque<Row>> groupIt = groups.values().iterator();
      for (int i = 0; i < round.size(); i++) {
        ArrayDeque<Row> group = groupIt.next();
        Row row = round.get(i);
        Throwable cause = failureOf(futures.get(i));
        if (cause != null && !isPermanent(cause)) {
          failed.put(row, describe(cause)); // the key waits for this row's retry
          groupIt.remove();
          continue;
        }
        if (cause == null) {
          published.add(row);
        } else {
          parked.put(row, describe(cause));
        }
        group.pollFirst(); // the key's next row goes next
        if (group.isEmpty()) {
          groupIt.remove();
        }
      }
    }
    markPublished(c, published);
    markFailed(c, failed, now);
    markParked(c, parked, now);
    record(published, failed.size(), parked.size());
    return published.size();
  }

  /** Keys of the batch for which an older pending row exists outside the batch. */
  private Set<String> keysWithOlderPendingRows(Connection c, List<Row> rows) throws SQLException {
    Map<String, Long> oldestInBatch = new HashMap<>();
    for (Row row : rows) {
      if (row.key != null) {
        oldestInBatch.merge(row.key, row.id, Math::min);
      }
    }
    Set<String> blocked = new HashSet<>();
    if (oldestInBatch.isEmpty()) {
      return blocked;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(oldestInBatch.size(), "?"));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT msg_key, MIN(id) FROM " + table + " WHERE published_at IS NULL AND parked_at IS NULL AND msg_key IN ("
                + marks
                + ") GROUP BY msg_key")) {
      int i = 1;
      for (String key : oldestInBatch.keySet()) {
        ps.setString(i++, key);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          if (rs.getLong(2) < oldestInBatch.get(key)) {
            blocked.add(key);
          }
        }
      }
    }
    return blocked;
  }

  private CompletableFuture<String> publish(Row row) {
    try {
      EventPublisher publisher = publishers.apply(row.topic);
      if (publisher == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("no publisher for topic '" + row.topic + "'"));
      }
      Event<?> event;
      try {
        event = outbox.codec().decode(row.payload);
      } catch (EventDecodingException | RuntimeException e) {
        // retried, not parked: a relay of another version may know the type
        return CompletableFuture.failedFuture(
            new IllegalStateException("payload does not decode: " + e.getMessage(), e));
      }
      return publisher.publish(event);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void awaitAll(List<CompletableFuture<String>> futures) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Outcomes are read per future.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Why {@code future} has not published its row, or null when it has. */
  private Throwable failureOf(CompletableFuture<String> future) {
    if (!future.isDone()) {
      return new TimeoutException("publish timed out after " + publishTimeout);
    }
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  /**
   * Whether the publisher refused the event itself for good, so that publishing it again cannot
   * succeed: an {@link IllegalArgumentException} (e.g. a FIFO group id SNS would refuse), or a
   * {@link PublishException} that is not {@link PublishException#retryable() retryable} (too large,
   * not encodable, an entry SNS rejected) unless an AWS SDK exception caused it: a whole call SNS
   * refused (access denied, topic not found) is about the topic or the credentials, which an
   * operator fixes, so such rows stay pending. Everything else is retried: outages, throttling,
   * {@link dev.evently.publish.BufferFullException}, timeouts, a closed or missing publisher, and
   * a payload this relay cannot decode (a relay of a newer version may).
   */
  static boolean isPermanent(Throwable cause) {
    if (cause instanceof PublishException e) {
      return !e.retryable() && !(e.getCause() instanceof SdkException);
    }
    return cause instanceof IllegalArgumentException;
  }

  private static String describe(Throwable cause) {
    String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return message.length() > 1000 ? message.substring(0, 1000) : message;
  }

  private void markPublished(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    boolean delete = retention.isZero();
    String sql =
        delete
            ? "DELETE FROM " + table + " WHERE id = ?"
            : "UPDATE " + table + " SET published_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?";
    OffsetDateTime now = ts(clock.instant());
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Row row : rows) {
        int i = 1;
        if (!delete) {
          ps.setObject(i++, now);
        }
        ps.setLong(i, row.id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void markFailed(Connection c, Map<Row, String> failed, Instant now) throws SQLException {
    if (failed.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + table + " SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")) {
      for (Map.Entry<Row, String> e : failed.entrySet()) {
        Row row = e.getKey();
        ps.setObject(1, ts(now.plus(backoff(row.attempts))));
        ps.setString(2, e.getValue());
        ps.setLong(3, row.id);
        ps.addBatch();
        log.debug("outbox event {} (topic {}) not published, attempt {}: {}", row.eventId, row.topic,
            row.attempts + 1, e.getValue());
      }
      ps.executeBatch();
    }
    Map.Entry<Row, String> first = failed.entrySet().iterator().next();
    log.warn("{} outbox events not published, retrying with backoff; first: event {} (topic {}, attempt {}): {}",
        failed.size(), first.getKey().eventId, first.getKey().topic, first.getKey().attempts + 1, first.getValue());
  }

  private void markParked(Connection c, Map<Row, String> parked, Instant now) throws SQLException {
    if (parked.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + table
                + " SET attempts = attempts + 1, parked_at = ?, next_attempt_at = NULL, last_error = ? WHERE id = ?")) {
      for (Map.Entry<Row, String> e : parked.entrySet()) {
        ps.setObject(1, ts(now));
        ps.setString(2, e.getValue());
        ps.setLong(3, e.getKey().id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    for (Map.Entry<Row, String> e : parked.entrySet()) {
      Row row = e.getKey();
      log.error("outbox event {} of type {} (topic {}, subject {}) parked: the publisher refused it for good and it"
              + " will not be retried; the newer events of its subject go ahead. Fix the cause, then"
              + " OutboxRelay.retryParked(\"{}\"). Reason: {}",
          row.eventId, row.type, row.topic, row.key, row.eventId, e.getValue());
    }
  }

  /** The wait before retrying a row that has failed {@code attempts} times before. */
  Duration backoff(int attempts) {
    long ms = initialBackoff.toMillis() << Math.min(attempts, 30);
    return ms <= 0 || ms > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(ms);
  }

  private void record(List<Row> published, int failures, int parkings) {
    if (publishedCounter == null) {
      return;
    }
    publishedCounter.increment(published.size());
    failedCounter.increment(failures);
    parkedCounter.increment(parkings);
    Instant now = Instant.now();
    for (Row row : published) {
      if (row.createdAt != null) {
        delayTimer.record(Duration.between(row.createdAt.toInstant(), now));
      }
    }
  }

  private void purgeIfDue() {
    Instant now = clock.instant();
    if (retention.isZero() || Duration.between(lastPurge, now).compareTo(PURGE_INTERVAL) < 0) {
      return;
    }
    lastPurge = now;
    purgePublished();
  }

  /**
   * A row the relay parked: the publisher refused its event for good (see the class comment). It
   * stays in the table, unpublished and never retried, until {@link #retryParked(String)}.
   *
   * @param eventId the event's id
   * @param type the event's type
   * @param topic the logical topic it was written for
   * @param subject its ordering key, or null
   * @param attempts publish attempts so far
   * @param parkedAt when it was parked
   * @param reason the publisher's failure, e.g. {@code PublishException: event ... is 300012 bytes,
   *     more than maxMessageBytes 262144; not sent} (never the payload)
   */
  public record ParkedEvent(
      String eventId, String type, String topic, String subject, int attempts, Instant parkedAt, String reason) {}

  /**
   * The oldest {@code limit} parked rows of this relay's table, oldest first: for an operator to
   * see what was not published and why. Reads only; safe while relays run.
   *
   * @throws IllegalArgumentException if {@code limit} is not 1..10000
   * @throws IllegalStateException when the database fails
   */
  public List<ParkedEvent> parked(int limit) {
    if (limit <= 0 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1..10000");
    }
    String sql =
        "SELECT event_id, event_type, topic, msg_key, attempts, parked_at, last_error FROM " + table
            + " WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY id LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limit);
      List<ParkedEvent> parked = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          parked.add(
              new ParkedEvent(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getInt(5),
                  rs.getObject(6, OffsetDateTime.class).toInstant(),
                  rs.getString(7)));
        }
      }
      return parked;
    } catch (SQLException e) {
      throw new IllegalStateException("reading parked rows of " + table + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Makes the parked row of {@code eventId} pending again, to be published at the next poll (by
   * any relay of the table), e.g. once the topic accepts larger messages. Its {@code attempts} and
   * {@code last_error} are kept. The newer events of its subject have usually been published
   * meanwhile, so it arrives after them: per-subject order does not hold for a retried row. If the
   * publisher refuses it again, it is parked again.
   *
   * @return true if a parked row of {@code eventId} was made pending, false if there is none (never
   *     parked, already retried, or unknown)
   * @throws IllegalStateException when the database fails
   */
  public boolean retryParked(String eventId) {
    Checks.notNull(eventId, "eventId");
    String sql =
        "UPDATE " + table + " SET parked_at = NULL, next_attempt_at = NULL"
            + " WHERE event_id = ? AND parked_at IS NOT NULL AND published_at IS NULL";
    int updated;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      ps.setString(1, eventId);
      updated = ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("retrying parked event " + eventId + " of " + table + " failed: " + e.getMessage(), e);
    }
    if (updated > 0) {
      log.info("outbox event {} unparked: it will be published again", eventId);
      wakeUp();
    }
    return updated > 0;
  }

  /** The loop's current wait between empty polls. */
  long idleDelayMillis() {
    return idleDelayMs;
  }

  /** Deletes rows published longer than the retention ago; returns how many. */
  int purgePublished() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE published_at < ?")) {
      c.setAutoCommit(true);
      ps.setObject(1, ts(clock.instant().minus(retention)));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("purging published rows of " + table + " failed: " + e.getMessage(), e);
    }
  }

  private record Row(
      long id,
      String eventId,
      String topic,
      String key,
      String type,
      String payload,
      int attempts,
      OffsetDateTime createdAt) {}

  /**
   * Builder; {@link #dataSource}, {@link #outbox} and the publishers are required. Defaults: batch
   * 100, poll 10 ms..1 s, retry backoff 1 s..5 min, publish timeout 30 s, retention 1 day.
   */
  public static final class Builder {
    private DataSource dataSource;
    private Outbox outbox;
    private Function<String, EventPublisher> publishers;
    private int batchSize = 100;
    private Duration minPoll = Duration.ofMillis(10);
    private Duration maxPoll = Duration.ofSeconds(1);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private Duration publishTimeout = Duration.ofSeconds(30);
    private Duration retention = Duration.ofDays(1);
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();
    private Dialect dialect;

    private Builder() {}

    /** The database holding the outbox table. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Checks.notNull(dataSource, "dataSource");
      return this;
    }

    /** The outbox whose table to relay; its codec decodes the rows, and its writes wake the relay. */
    public Builder outbox(Outbox outbox) {
      this.outbox = Checks.notNull(outbox, "outbox");
      return this;
    }

    /** The publisher for each topic name; a topic without one fails its rows (they are retried). */
    public Builder publishers(Map<String, ? extends EventPublisher> byTopic) {
      if (byTopic == null) {
        throw new IllegalArgumentException("publishers must not be null");
      }
      Map<String, EventPublisher> copy = Map.copyOf(byTopic);
      return publishers(copy::get);
    }

    /** The publisher for a topic name, or null when there is none. */
    public Builder publishers(Function<String, EventPublisher> forTopic) {
      if (forTopic == null) {
        throw new IllegalArgumentException("publishers must not be null");
      }
      this.publishers = forTopic;
      return this;
    }

    /** Rows per batch (one transaction). Default 100. */
    public Builder batchSize(int batchSize) {
      if (batchSize <= 0 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1..10000");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The poll interval right after activity, and the one it backs off to when idle. */
    public Builder pollInterval(Duration min, Duration max) {
      if (min == null || min.toMillis() <= 0) {
        throw new IllegalArgumentException("pollInterval min must be >= 1 ms");
      }
      if (max == null || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("pollInterval max must be >= min");
      }
      this.minPoll = min;
      this.maxPoll = max;
      return this;
    }

    /** The wait before the first retry of a failed row, doubling up to {@code max}. */
    public Builder retryBackoff(Duration initial, Duration max) {
      if (initial == null || initial.toMillis() <= 0) {
        throw new IllegalArgumentException("retryBackoff initial must be >= 1 ms");
      }
      if (max == null || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff max must be >= initial");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How long a batch waits for its publishes before counting the rest as failed. Default 30 s. */
    public Builder publishTimeout(Duration publishTimeout) {
      if (publishTimeout == null || publishTimeout.toMillis() <= 0) {
        throw new IllegalArgumentException("publishTimeout must be >= 1 ms");
      }
      this.publishTimeout = publishTimeout;
      return this;
    }

    /** How long published rows are kept; {@link Duration#ZERO} deletes them when published. */
    public Builder retention(Duration retention) {
      if (retention == null || retention.isNegative()) {
        throw new IllegalArgumentException("retention must be >= 0");
      }
      this.retention = retention;
      return this;
    }

    /**
     * Where to record the counters {@code evently.outbox.published}, {@code .failed} (attempts to
     * retry) and {@code .parked}, and the timer {@code .delay} (commit to publish), tagged with the
     * table.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** The clock for retries and retention. Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    public OutboxRelay build() {
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must be set");
      }
      if (outbox == null) {
        throw new IllegalArgumentException("outbox must be set");
      }
      if (publishers == null) {
        throw new IllegalArgumentException("publishers must be set");
      }
      dialect = Dialect.of(dataSource);
      return new OutboxRelay(this);
    }
  }
}
