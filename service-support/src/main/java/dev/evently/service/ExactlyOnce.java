package dev.evently.service;

import dev.evently.consume.EventHandler;
import dev.evently.idempotency.JdbcIdempotentHandler;
import dev.evently.idempotency.TransactionalEventHandler;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's event handlers exactly once per event id: each in one database transaction
 * with the event's row in the library's dedup table (consumer {@code consumer}), and with
 * whatever it writes to the outbox on that transaction's connection. A duplicate is acknowledged
 * without effect; a failure rolls everything back and is rethrown, so the message is redelivered.
 * Thread-safe.
 */
public final class ExactlyOnce {
  private static final Logger log = LoggerFactory.getLogger(ExactlyOnce.class);

  private final DataSource dataSource;
  private final String consumer;

  public ExactlyOnce(DataSource dataSource, String consumer) {
    this.dataSource = dataSource;
    this.consumer = consumer;
  }

  /**
   * {@code handler} applied once per event id (see the class comment), as an {@link EventHandler}
   * to build once, when the service's handlers are wired, and call for every event.
   */
  public <T> EventHandler<T> of(TransactionalEventHandler<T> handler) {
    EventHandler<T> idempotent = JdbcIdempotentHandler.of(dataSource, consumer, handler);
    return event -> {
      try {
        idempotent.handle(event);
      } catch (Exception e) {
        log.warn("{} {} failed, it will be redelivered: {}", event.type(), event.id(), e.toString());
        throw e;
      }
    };
  }
}
