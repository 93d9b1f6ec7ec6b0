package dev.evently.spring;

import dev.evently.event.Event;
import dev.evently.event.EventTypes;
import dev.evently.outbox.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox on the application's {@link DataSource}, inside Spring's transactions:
 * {@link #publish} writes the event on the connection of the current transaction ({@code
 * @Transactional} or a {@code TransactionTemplate}), so it commits with the business data or not at
 * all. After the commit the outbox relay publishes it through the publisher of the same name (at
 * least once: consumers deduplicate by event id); after a rollback it never existed.
 *
 * <pre>{@code
 * @Transactional
 * public void place(Order order) {
 *   orders.save(order);
 *   outbox.publish("orders", new OrderCreated(order.id(), order.total()));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Enabled by {@code evently.outbox.enabled=true}.
 */
public final class TransactionalOutbox {
  private final Outbox outbox;
  private final DataSource dataSource;
  private final EventPublishers publishers;
  private final EventTypes types;
  private final String source;
  private final SQLExceptionSubclassTranslator translator = new SQLExceptionSubclassTranslator();

  TransactionalOutbox(Outbox outbox, DataSource dataSource, EventPublishers publishers, EventTypes types, String source) {
    this.outbox = outbox;
    this.dataSource = dataSource;
    this.publishers = publishers;
    this.types = types;
    this.source = source;
  }

  /**
   * Writes {@code event} for the publisher {@code evently.publishers.<publisher>} in the current
   * transaction.
   *
   * @throws IllegalStateException when no Spring transaction is active (there is nothing to commit
   *     the event with)
   * @throws IllegalArgumentException when no publisher has that name or the event cannot be encoded
   *     (unregistered type)
   * @throws DataAccessException when the insert fails (e.g. the same event id twice); the
   *     transaction should roll back, which {@code @Transactional} does for it
   */
  public void publish(String publisher, Event<?> event) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("TransactionalOutbox.publish must run inside a transaction"
          + " (@Transactional or TransactionTemplate): the event commits with it");
    }
    publishers.get(publisher);
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      outbox.publish(connection, publisher, event);
    } catch (SQLException e) {
      DataAccessException translated = translator.translate("outbox insert into " + outbox.table(), null, e);
      throw translated != null ? translated : new IllegalStateException("outbox insert into " + outbox.table() + " failed", e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  /**
   * Writes a new event of {@code data}'s registered type (random id, the current time, source
   * {@code evently.source}); see {@link #publish(String, Event)}.
   *
   * @return the event written, e.g. for its id
   */
  public <T> Event<T> publish(String publisher, T data) {
    Event<T> event = types.event(source, data);
    publish(publisher, event);
    return event;
  }

  /** The library's outbox underneath, for its table name or for writing on a connection of your own. */
  public Outbox outbox() {
    return outbox;
  }
}
