package dev.evently.examples;

import dev.evently.outbox.Outbox;
import dev.evently.outbox.OutboxRelay;
import dev.evently.publish.SnsPublisher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * The publishing side: an order and its {@link OrderPlaced} event are written in one database
 * transaction (the transactional outbox); the relay publishes committed events to SNS through an
 * {@link SnsPublisher}. There is no dual write: a rolled-back order never publishes, a committed
 * one is published even if SNS is down at the time (the relay retries until SNS takes it).
 */
public final class OrderService implements AutoCloseable {
  public static final String SCHEMA =
      "CREATE TABLE IF NOT EXISTS orders (id VARCHAR(36) PRIMARY KEY,"
          + " customer_id VARCHAR(64) NOT NULL, total_cents BIGINT NOT NULL)";
  private static final String ORDER_EVENTS = "order-events"; // the logical topic of the outbox rows

  private final DataSource db;
  private final Outbox outbox = Outbox.builder().codec(OrderPlaced.CODEC).build();
  private final SnsPublisher publisher;
  private final OutboxRelay relay;

  /** {@code topic}: the SNS topic's name or ARN. The client is shared, not closed here. */
  public OrderService(DataSource db, SnsAsyncClient sns, String topic) {
    this.db = db;
    this.publisher = SnsPublisher.builder().client(sns).topic(topic).codec(OrderPlaced.CODEC).build();
    this.relay =
        OutboxRelay.builder().dataSource(db).outbox(outbox).publishers(Map.of(ORDER_EVENTS, publisher)).build();
    relay.start(); // polls the outbox (woken at once by this process's writes), publishes, marks
  }

  /** Places an order: the order row and its event commit together, or neither does. */
  public String placeOrder(String customerId, long totalCents) throws SQLException {
    String orderId = UUID.randomUUID().toString();
    try (Connection tx = db.getConnection()) {
      tx.setAutoCommit(false);
      try (PreparedStatement insert = tx.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
        insert.setString(1, orderId);
        insert.setString(2, customerId);
        insert.setLong(3, totalCents);
        insert.executeUpdate();
        // the subject orders the events of one order; consumers deduplicate by the event id
        outbox.publish(tx, ORDER_EVENTS,
            OrderPlaced.TYPES.event("order-service", new OrderPlaced(orderId, customerId, totalCents))
                .withSubject(orderId));
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
    return orderId;
  }

  /** Stops the relay first (it uses the publisher), then the publisher (waits for pending publishes). */
  @Override
  public void close() {
    relay.close();
    publisher.close();
  }
}
