package dev.evently.idempotency;

import dev.evently.consume.EventHandler;
import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.internal.Checks;
import dev.evently.jdbc.EventlyMigrations;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Exactly-once database effects for one handler: runs a {@link TransactionalEventHandler} in one
 * transaction together with the event's dedup row (consumer name, event id) in the table created
 * by {@link EventlyMigrations}. The same rules as {@link JdbcIdempotencyMiddleware}, with the
 * transaction's {@link Connection} passed to the handler:
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
 *       redelivery processes the event. The lease is the transaction itself.
 *   <li>With {@link Builder#checkPayload(boolean)}, a copy whose payload hash differs from the
 *       recorded one throws {@link NonRetryableException}.
 * </ul>
 *
 * Thread-safe.
 */
public final class JdbcIdempotentHandler<T> implements EventHandler<T> {
  private final JdbcIdempotencyMiddleware idempotency;
  private final TransactionalEventHandler<T> handler;

  private JdbcIdempotentHandler(JdbcIdempotencyMiddleware idempotency, TransactionalEventHandler<T> handler) {
    this.idempotency = idempotency;
    this.handler = handler;
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
    idempotency.inTransaction(event, handler);
  }

  /** Builder; the data source, the consumer name and the handler are required. */
  public static final class Builder<T> {
    private final JdbcIdempotencyMiddleware.Builder settings;
    private final TransactionalEventHandler<T> handler;

    private Builder(DataSource dataSource, String consumerName, TransactionalEventHandler<T> handler) {
      this.settings = JdbcIdempotencyMiddleware.builder(dataSource, consumerName);
      this.handler = Checks.notNull(handler, "handler");
    }

    /** The dedup table, optionally schema-qualified. Default {@value EventlyMigrations#DEFAULT_DEDUP_TABLE}. */
    public Builder<T> table(String table) {
      settings.table(table);
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder<T> checkPayload(boolean checkPayload) {
      settings.checkPayload(checkPayload);
      return this;
    }

    /** See {@link JdbcIdempotencyMiddleware.Builder#lockTimeout(Duration)}. Default 2 s. */
    public Builder<T> lockTimeout(Duration lockTimeout) {
      settings.lockTimeout(lockTimeout);
      return this;
    }

    /** The clock for the record's timestamps (used by retention). Default the system clock. */
    public Builder<T> clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    public JdbcIdempotentHandler<T> build() {
      return new JdbcIdempotentHandler<>(settings.build(), handler);
    }
  }
}
