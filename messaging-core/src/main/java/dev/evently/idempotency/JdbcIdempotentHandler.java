package dev.evently.idempotency;

import dev.evently.internal.Checks;
import static dev.evently.jdbc.internal.Jdbc.ts;

import dev.evently.consume.EventHandler;
import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.idempotency.internal.PayloadHash;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.internal.Dialect;
import dev.evently.jdbc.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once database effects: runs a {@link TransactionalEventHandler} in one transaction
 * together with the event's dedup row (consumer name, event id) in the table created by {@link
 * EventlyMigrations}.
 *
 * <p>Per delivery: begin; insert the dedup row (status COMPLETED); run the handler with the same
 * {@link Connection}; commit.
 *
 * <ul>
 *   <li>The row already exists (committed by an earlier delivery): the handler is not run and
 *       {@code handle} returns normally, so the copy is deleted from the queue.
 *   <li>Another delivery of the same event holds the uncommitted row: the insert waits for it (at
 *       most {@link Builder#lockTimeout}). If that transaction commits, this copy is a duplicate as
 *       above; if it rolls back, this copy processes the event; if the wait times out, {@link
 *       DuplicateInProgressException} is thrown and the message comes back later.
 *   <li>The handler throws: everything rolls back, the row included, and the exception propagates
 *       (the message is redelivered).
 *   <li>The process dies mid-transaction: the database rolls back when the connection drops, so the
 *       redelivery processes the event. <b>The lease is the transaction itself</b>: no explicit
 *       lease or renewal is needed, and a slow but alive handler keeps its row lock as long as it
 *       runs. Keep handlers shorter than the consumer's visibility timeout, or the copy that then
 *       arrives waits on the lock and retries.
 *   <li>With {@link Builder#checkPayload(boolean)}, a copy whose payload hash differs from the
 *       recorded one throws {@link NonRetryableException} ("duplicate event id with a different
 *       payload").
 * </ul>
 *
 * <p>PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING} with a transaction-local {@code
 * lock_timeout} around it. H2: a plain insert whose duplicate-key error means "already processed";
 * the wait on an uncommitted row is H2's session lock timeout ({@code SET LOCK_TIMEOUT}). Use a
 * connection pool; the handler gets the pooled connection for the duration of the call. Database
 * failures propagate (retryable). Thread-safe.
 */
public final class JdbcIdempotentHandler<T> implements EventHandler<T> {
  private static final Logger log = LoggerFactory.getLogger(JdbcIdempotentHandler.class);

  private final DataSource dataSource;
  private final String consumerName;
  private final TransactionalEventHandler<T> handler;
  private final String table;
  private final boolean checkPayload;
  private final Duration lockTimeout;
  private final Clock clock;
  private volatile Dialect dialect;

  private JdbcIdempotentHandler(Builder<T> b) {
    this.dataSource = b.dataSource;
    this.consumerName = b.consumerName;
    this.handler = b.handler;
    this.table = b.table;
    this.checkPayload = b.checkPayload;
    this.lockTimeout = b.lockTimeout;
    this.clock = b.clock;
  }

  public static <T> JdbcIdempotentHandler<T> of(
      DataSource dataSource, String consumerName, TransactionalEventHandler<T> handler) {
    return builder(dataSource, consumerName, handler).build();
  }

  public static <T> Builder<T> builder(
      DataSource dataSource, String consumerName, TransactionalEventHandler<T> handler) {
    return new Builder<>(dataSource, consumerName, handler);
  }

  @Override
  public void handle(Event<T> event) throws Exception {
    String hash = PayloadHash.of(event);
    boolean duplicate;
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        duplicate = !insertDedupRow(c, event, hash);
        if (duplicate) {
          c.rollback();
        } else {
          handler.handle(event, c);
          c.commit();
        }
      } catch (SQLException e) {
        Jdbc.rollbackQuietly(c, e);
        if (Jdbc.isLockTimeout(e)) {
          throw new DuplicateInProgressException(consumerName, event.id());
        }
        throw e;
      } catch (Throwable t) {
        Jdbc.rollbackQuietly(c, t);
        throw t;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
    if (duplicate) {
      onDuplicate(event, hash);
    }
  }

  private boolean insertDedupRow(Connection c, Event<T> event, String hash) throws SQLException {
    Dialect d = dialect;
    if (d == null) {
      dialect = d = Dialect.of(c);
    }
    if (d == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
      }
    }
    var now = ts(clock.instant());
    boolean inserted =
        Jdbc.insertIfAbsent(
            c,
            d,
            "INSERT INTO " + table
                + " (consumer, event_id, payload_hash, status, created_at, completed_at)"
                + " VALUES (?, ?, ?, '" + JdbcIdempotencyStore.COMPLETED + "', ?, ?)",
            ps -> {
              ps.setString(1, consumerName);
              ps.setString(2, event.id());
              ps.setString(3, hash);
              ps.setObject(4, now);
              ps.setObject(5, now);
            });
    if (d == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout TO DEFAULT");
      }
    }
    return inserted;
  }

  private void onDuplicate(Event<T> event, String hash) throws SQLException {
    String status;
    String storedHash;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT status, payload_hash FROM " + table + " WHERE consumer = ? AND event_id = ?")) {
      ps.setString(1, consumerName);
      ps.setString(2, event.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // Purged or released in between: let the redelivery decide.
          throw new DuplicateInProgressException(consumerName, event.id());
        }
        status = rs.getString(1);
        storedHash = rs.getString(2);
      }
    }
    if (checkPayload && storedHash != null && !storedHash.trim().equals(hash)) {
      throw new NonRetryableException("duplicate event id with a different payload: " + event.id());
    }
    if (!JdbcIdempotencyStore.COMPLETED.equals(status)) {
      throw new DuplicateInProgressException(consumerName, event.id());
    }
    log.debug("event {} already processed by {}: acknowledging the copy", event.id(), consumerName);
  }

  /** Builder; the data source, the consumer name and the handler are required. */
  public static final class Builder<T> {
    private final DataSource dataSource;
    private final String consumerName;
    private final TransactionalEventHandler<T> handler;
    private String table = EventlyMigrations.DEFAULT_DEDUP_TABLE;
    private boolean checkPayload;
    private Duration lockTimeout = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource, String consumerName, TransactionalEventHandler<T> handler) {
      this.dataSource = Checks.notNull(dataSource, "dataSource");
      this.consumerName = IdempotentHandler.requireConsumerName(consumerName);
      this.handler = Checks.notNull(handler, "handler");
    }

    /** The dedup table, optionally schema-qualified. Default {@value EventlyMigrations#DEFAULT_DEDUP_TABLE}. */
    public Builder<T> table(String table) {
      this.table = Jdbc.requireTableName(table, "table");
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder<T> checkPayload(boolean checkPayload) {
      this.checkPayload = checkPayload;
      return this;
    }

    /**
     * How long a copy waits for a concurrent delivery's uncommitted dedup row before giving up
     * with {@link DuplicateInProgressException} (PostgreSQL only; H2 uses its session lock
     * timeout). Default 2 s.
     */
    public Builder<T> lockTimeout(Duration lockTimeout) {
      if (lockTimeout == null || lockTimeout.toMillis() <= 0) {
        throw new IllegalArgumentException("lockTimeout must be >= 1 ms");
      }
      this.lockTimeout = lockTimeout;
      return this;
    }

    /** The clock for the record's timestamps (used by retention). Default the system clock. */
    public Builder<T> clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    public JdbcIdempotentHandler<T> build() {
      return new JdbcIdempotentHandler<>(this);
    }
  }
}
