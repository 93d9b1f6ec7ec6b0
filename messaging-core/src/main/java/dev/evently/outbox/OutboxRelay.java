package dev.evently.outbox;

import dev.evently.internal.Checks;
import dev.evently.internal.Meters;
import dev.evently.jdbc.internal.Dialect;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.PublishException;
import dev.evently.retry.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events that committed transactions wrote into the {@link Outbox}, through one
 * {@link EventPublisher} per topic, and marks them published. Each row's stored message (body and
 * attributes) goes to {@link EventPublisher#publishEncoded} as it is, never decoded; rows written
 * by an older version of the table are published as that version did.
 *
 * <p><b>Claiming.</b> A batch is one transaction: lock up to {@code batchSize} pending rows in id
 * order ({@code SELECT ... FOR UPDATE SKIP LOCKED}), publish them, mark them published (or delete
 * them, with a zero retention), commit. Relays in one process or many never publish a row
 * concurrently; on PostgreSQL each takes the rows the others have not locked, and one relay may
 * work on {@link Builder#concurrency(int) several} batches at once. On H2 ({@code FOR UPDATE}
 * only) relays take turns and work on one batch. Rows are found by state ({@code published_at IS NULL}), never by "id greater
 * than the last one seen", so a row whose transaction commits late is not skipped.
 *
 * <p><b>Order per key.</b> Rows with the same key (the event's subject) are published in id order:
 * a row is held back while an older row with its key is pending anywhere (locked by another batch,
 * or waiting for a retry); within a batch a key's rows go one after the other and stop at the
 * first failure. Rows without a subject have no order.
 *
 * <p><b>Failures.</b> A row that fails to publish (SNS unreachable or throttling, a full
 * publisher, a timeout, no publisher for its topic) stays pending with {@code attempts}
 * incremented, {@code last_error} set and {@code next_attempt_at} pushed back by the {@link
 * Builder#retryBackoff retry backoff}; it is retried for ever and holds back the newer rows of its
 * key. A whole call SNS refuses (access denied, topic not found) is about the topic or the
 * credentials, not the event, and is retried too.
 *
 * <p><b>Parked rows.</b> A row the publisher refused for good (a non-{@link
 * PublishException#retryable() retryable} {@code PublishException} not caused by an AWS SDK
 * exception, e.g. too large, or an {@link IllegalArgumentException}, e.g. a FIFO group id SNS
 * would refuse) is parked: {@code parked_at} and {@code last_error} are set, it is logged at ERROR
 * (event id, type, topic, subject, reason; never the payload) and counted in {@code
 * evently.outbox.parked}, never picked again nor purged, and the newer rows of its key go ahead.
 * {@link #parked(int)} lists them, {@link #retryParked(String)} makes one pending again.
 * Delivery is at least once: a relay that dies after publishing but before committing, or a
 * publish that times out but later succeeds, publishes the row again; consumers deduplicate.
 *
 * <p><b>Latency.</b> While rows flow the relay polls again at once; after an empty poll the
 * interval doubles from the minimum to the maximum poll interval. It is woken at once by a write
 * through its own {@link Outbox} (same process) and, on PostgreSQL, by the notification every
 * {@code Outbox} write sends on commit, from any process: the relay {@code LISTEN}s on a
 * connection of its own. When that connection drops it keeps polling and listens again after a
 * short backoff. On H2 it polls. While it runs on PostgreSQL it holds up to {@code concurrency} +
 * 1 pool connections (3 by default), on H2 one.
 *
 * <p>Thread-safe. {@link #start()} runs the loop on {@code concurrency} daemon threads (plus the
 * listener's); {@link #close()} stops them and waits for the current batches; the publishers are
 * not closed (the caller owns them).
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
  /** Batches at once on PostgreSQL unless {@link Builder#concurrency(int)} says otherwise. */
  private static final int DEFAULT_PG_CONCURRENCY = 2;
  private static final Backoff LISTEN_RECONNECT = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));

  private final DataSource dataSource;
  private final Outbox outbox;
  private final OutboxTable table;
  private final RelayCycle cycle;
  private final Duration minPoll;
  private final Duration maxPoll;
  private final Duration publishTimeout;
  private final int concurrency;
  private final Duration retention;
  private final Clock clock;
  private final Runnable wakeListener = this::wakeUp;
  private final Object lifecycle = new Object();
  private RelayLoop loop;
  private PgListener listener;
  private boolean closed;
  private Instant lastPurge = Instant.MIN;

  private OutboxRelay(Builder b, Dialect dialect) {
    this.dataSource = b.dataSource;
    this.outbox = b.outbox;
    this.table = outbox.statements(dialect);
    this.minPoll = b.minPoll;
    this.maxPoll = b.maxPoll;
    this.publishTimeout = b.publishTimeout;
    int pgConcurrency = b.concurrency > 0 ? b.concurrency : DEFAULT_PG_CONCURRENCY;
    this.concurrency = dialect == Dialect.POSTGRESQL ? pgConcurrency : 1;
    this.retention = b.retention;
    this.clock = b.clock;
    this.cycle =
        new RelayCycle(
            dataSource, table, b.publishers, b.batchSize, b.retryBackoff, publishTimeout, retention.isZero(), clock,
            Meters.of(b.meterRegistry, "table", table.table()));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the relay loop (and, on PostgreSQL, its listener). Calling it twice, or after close, is an error. */
  public void start() {
    synchronized (lifecycle) {
      if (loop != null || closed) {
        throw new IllegalStateException(closed ? "relay closed" : "relay already started");
      }
      loop = new RelayLoop(cycle::run, this::purgeIfDue, minPoll, maxPoll, table.table(), concurrency);
      outbox.onPublish(wakeListener);
      if (table.dialect() == Dialect.POSTGRESQL) {
        listener = new PgListener(dataSource, table, wakeListener, LISTEN_RECONNECT);
        listener.start();
      }
      loop.start();
    }
  }

  /** Stops the loop and the listener and waits for the batches in flight; idempotent. */
  @Override
  public void close() {
    RelayLoop l;
    PgListener pg;
    synchronized (lifecycle) {
      closed = true;
      outbox.removeListener(wakeListener);
      l = loop;
      pg = listener;
    }
    if (pg != null) {
      pg.close();
    }
    if (l != null) {
      l.stop(publishTimeout.plusSeconds(5));
    }
  }

  private void wakeUp() {
    RelayLoop l = loop;
    if (l != null) {
      l.wakeUp();
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
    return cycle.run();
  }

  private void purgeIfDue() {
    Instant now = clock.instant();
    synchronized (lifecycle) { // one worker purges
      if (retention.isZero() || Duration.between(lastPurge, now).compareTo(PURGE_INTERVAL) < 0) {
        return;
      }
      lastPurge = now;
    }
    purgePublished();
  }

  /** The cycles the loop runs at once: as configured on PostgreSQL, 1 on H2. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * A row the relay parked (see the class comment): unpublished and never retried until {@link
   * #retryParked(String)}. {@code topic} is the logical topic it was written for, {@code subject}
   * its ordering key or null, {@code reason} the publisher's failure, e.g. {@code PublishException:
   * event ... is 300012 bytes, more than maxMessageBytes 262144; not sent} (never the payload).
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
    try (Connection c = dataSource.getConnection()) {
      return table.parked(c, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("reading parked rows of " + table.table() + " failed: " + e.getMessage(), e);
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
    boolean updated;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      updated = table.unpark(c, eventId);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "retrying parked event " + eventId + " of " + table.table() + " failed: " + e.getMessage(), e);
    }
    if (updated) {
      log.info("outbox event {} unparked: it will be published again", eventId);
      wakeUp();
    }
    return updated;
  }

  /** The loop's current wait between empty polls (for tests). */
  long idleDelayMillis() {
    RelayLoop l = loop;
    return l == null ? 0 : l.idleDelayMillis();
  }

  /** The PostgreSQL listener, or null (for tests). */
  PgListener listener() {
    return listener;
  }

  /** The wait before retrying a row that has failed {@code attempts} times before (for tests). */
  Duration retryDelay(int attempts) {
    return cycle.retryDelay(attempts);
  }

  /** Deletes rows published longer than the retention ago; returns how many. */
  int purgePublished() {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return table.purgePublishedBefore(c, clock.instant().minus(retention));
    } catch (SQLException e) {
      throw new IllegalStateException("purging published rows of " + table.table() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Builder; {@link #dataSource}, {@link #outbox} and the publishers are required. Defaults: batch
   * 100, concurrency 2 on PostgreSQL (1 on H2), poll 10 ms..1 s, retry backoff 1 s doubling to 5
   * min (20% jitter), publish timeout 30 s, retention 1 day.
   */
  public static final class Builder {
    private DataSource dataSource;
    private Outbox outbox;
    private Function<String, EventPublisher> publishers;
    private int batchSize = 100;
    private Duration minPoll = Duration.ofMillis(10);
    private Duration maxPoll = Duration.ofSeconds(1);
    private Backoff retryBackoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
    private Duration publishTimeout = Duration.ofSeconds(30);
    private int concurrency; // 0: the dialect's default
    private Duration retention = Duration.ofDays(1);
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The database holding the outbox table. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Checks.notNull(dataSource, "dataSource");
      return this;
    }

    /** The outbox whose table to relay; its writes in this process wake the relay. */
    public Builder outbox(Outbox outbox) {
      this.outbox = Checks.notNull(outbox, "outbox");
      return this;
    }

    /** The publisher for each topic name; a topic without one fails its rows (they are retried). */
    public Builder publishers(Map<String, ? extends EventPublisher> byTopic) {
      Map<String, EventPublisher> copy = Map.copyOf(Checks.notNull(byTopic, "publishers"));
      return publishers(copy::get);
    }

    /** The publisher for a topic name, or null when there is none. */
    public Builder publishers(Function<String, EventPublisher> forTopic) {
      this.publishers = Checks.notNull(forTopic, "publishers");
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

    /**
     * The wait before retrying a failed row: its {@code n}-th failure makes it due {@code
     * retryBackoff.delay(n)} later. Its initial delay must be >= 1 ms.
     */
    public Builder retryBackoff(Backoff retryBackoff) {
      Checks.notNull(retryBackoff, "retryBackoff");
      if (retryBackoff.initial().toMillis() < 1) {
        throw new IllegalArgumentException("retryBackoff initial must be >= 1 ms");
      }
      this.retryBackoff = retryBackoff;
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

    /**
     * PostgreSQL: how many batches the loop works on at once, each in its own transaction on its
     * own connection, so one publishes while another claims or commits. They take different rows
     * ({@code SKIP LOCKED}) and keep the order per key as separate relays do. With one, SNS
     * waits while a batch is claimed and marked; with two it always has a batch to publish (see
     * docs/BENCHMARKS.md, B6). More help when SNS's latency rather than CPU limits a relay. Each
     * takes a pool connection while it works. H2 always uses 1. Default 2 on PostgreSQL.
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 16) {
        throw new IllegalArgumentException("concurrency must be 1..16");
      }
      this.concurrency = concurrency;
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
     * retry) and {@code .parked}, and the timer {@code .delay} (write to publish), tagged with the
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

    /**
     * Builds the relay; connects once to learn the database (PostgreSQL or H2).
     *
     * @throws IllegalArgumentException naming a missing option, or for another database
     * @throws IllegalStateException when the database cannot be reached
     */
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
      return new OutboxRelay(this, Dialect.of(dataSource));
    }
  }
}
