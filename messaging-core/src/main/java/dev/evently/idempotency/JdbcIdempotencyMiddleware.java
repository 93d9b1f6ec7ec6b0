package dev.evently.idempotency;

import dev.evently.internal.Checks;
import static dev.evently.jdbc.internal.Jdbc.ts;

import dev.evently.consume.Middleware;
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
 * Exactly-once database effects as consumer {@link Middleware}: runs the rest of the chain in one
 * transaction together with the event's dedup row (consumer name, event id) in the table created
 * by {@link EventlyMigrations}. Handlers write through {@link #currentTransaction()}; for one
 * handler with the connection as a parameter, see {@link JdbcIdempotentHandler}.
 *
 * <pre>{@code
 * .use(JdbcIdempotencyMiddleware.builder(dataSource, "customer-service").build())
 * .handle(OrderCreated.class, event -> reserve(JdbcIdempotencyMiddleware.currentTransaction(), event.data()))
 * }</pre>
 *
 * <p>Per delivery: begin; insert the dedup row (status COMPLETED); proceed (the handler uses the
 * same {@link Connection}); commit. Batch handlers are not wrapped.
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
public final class JdbcIdempotencyMiddleware implements Middleware {
  private static final Logger log = LoggerFactory.getLogger(JdbcIdempotencyMiddleware.class);

  private final DataSource dataSource;
  private final String consumerName;
  private final String table;
  private final boolean checkPayload;
  private final Duration lockTimeout;
  private final Clock clock;
  private volatile Dialect dialect;

  private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

  private JdbcIdempotencyMiddleware(Builder b) {
    this.dataSource = b.dataSource;
    this.consumerName = b.consumerName;
    this.table = b.table;
    this.checkPayload = b.checkPayload;
    this.lockTimeout = b.lockTimeout;
    this.clock = b.clock;
  }

  public static Builder builder(DataSource dataSource, String consumerName) {
    return new Builder(dataSource, consumerName);
  }

  /**
   * The connection of the transaction this middleware opened for the handler call running on
   * this thread: write the handler's changes through it so that they commit (or roll back)
   * together with the dedup row. Do not commit, roll back or close it.
   *
   * @throws IllegalStateException outside a handler call wrapped by this middleware
   */
  public static Connection currentTransaction() {
    Connection c = CURRENT.get();
    if (c == null) {
      throw new IllegalStateException(
          "no transaction: currentTransaction() is only available inside a handler wrapped by JdbcIdempotencyMiddleware");
    }
    return c;
  }

  @Override
  public void handle(Chain chain) throws Exception {
    inTransaction(
        chain.event(),
        (event, tx) -> {
          Connection outer = CURRENT.get();
          CURRENT.set(tx);
          try {
            chain.proceed();
          } finally {
            if (outer == null) {
              CURRENT.remove();
            } else {
              CURRENT.set(outer);
            }
          }
        });
  }

  /** Runs {@code handler} in one transaction with {@code event}'s dedup row, unless it was already processed. */
  <T> void inTransaction(Event<T> event, TransactionalEventHandler<T> handler) throws Exception {
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

  private boolean insertDedupRow(Connection c, Event<?> event, String hash) throws SQLException {
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

  private void onDuplicate(Event<?> event, String hash) throws SQLException {
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

  /** Builder; the data source and the consumer name are required. */
  public static final class Builder<T> {
    private final DataSource dataSource;
    private final String consumerName;
      private String table = EventlyMigrations.DEFAULT_DEDUP_TABLE;
    private boolean checkPayload;
    private Duration lockTimeout = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource, String consumerName) {
      this.dataSource = Checks.notNull(dataSource, "dataSource");
      this.consumerName = IdempotencyMiddleware.requireConsumerName(consumerName);
    }

    /** The dedup table, optionally schema-qualified. Default {@value EventlyMigrations#DEFAULT_DEDUP_TABLE}. */
    public Builder table(String table) {
      this.table = Jdbc.requireTableName(table, "table");
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder checkPayload(boolean checkPayload) {
      this.checkPayload = checkPayload;
      return this;
    }

    /**
     * How long a copy waits for a concurrent delivery's uncommitted dedup row before giving up
     * with {@link DuplicateInProgressException} (PostgreSQL only; H2 uses its session lock
     * timeout). Default 2 s.
     */
    public Builder lockTimeout(Duration lockTimeout) {
      if (lockTimeout == null || lockTimeout.toMillis() <= 0) {
        throw new IllegalArgumentException("lockTimeout must be >= 1 ms");
      }
      this.lockTimeout = lockTimeout;
      return this;
    }

    /** The clock for the record's timestamps (used by retention). Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    public JdbcIdempotencyMiddleware build() {
      return new JdbcIdempotencyMiddleware(this);
    }
  }
}
