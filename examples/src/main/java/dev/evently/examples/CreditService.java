package dev.evently.examples;

import dev.evently.consume.NonRetryableException;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.idempotency.JdbcIdempotentHandler;
import dev.evently.retry.Backoff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The consuming side: reserves credit for each {@link OrderPlaced} from an SQS queue subscribed to
 * the orders topic. Delivery is at least once, so the handler runs in a {@link
 * JdbcIdempotentHandler}: one transaction holds the event's dedup row and the reservation, and a
 * second delivery of the same event is acknowledged without running the handler again.
 *
 * <p>Failures: a handler that throws is retried after the backoff, and the queue's redrive policy
 * moves the message to its dead-letter queue after {@code maxReceiveCount} receives. Poison (a
 * body that is no event of a known type, or a {@link NonRetryableException}) goes to the
 * dead-letter queue at once, with {@code dlq-*} attributes saying why. The queue must have a DLQ:
 * {@link SqsConsumer#start()} checks.
 */
public final class CreditService implements AutoCloseable {
  public static final String SCHEMA =
      "CREATE TABLE IF NOT EXISTS credit_reservations (order_id VARCHAR(36) PRIMARY KEY,"
          + " customer_id VARCHAR(64) NOT NULL, amount_cents BIGINT NOT NULL)";
  private static final String CONSUMER = "customer-service"; // the dedup rows' consumer name

  private final SqsConsumer consumer;

  /** {@code queueName}: the queue's name (not URL). The client is shared, not closed here. */
  public CreditService(DataSource db, SqsAsyncClient sqs, String queueName) {
    this.consumer =
        SqsConsumer.builder()
            .client(sqs)
            .queueName(queueName)
            .codec(OrderPlaced.CODEC)
            .handle(OrderPlaced.class, JdbcIdempotentHandler.of(db, CONSUMER, CreditService::reserve))
            .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5))) // 1 s, 2 s, 4 s...
            .concurrency(10)
            .build();
  }

  /** Resolves the queue and its dead-letter queue, then receives until {@link #close()}. */
  public CreditService start() {
    consumer.start();
    return this;
  }

  /** Runs in the dedup row's transaction: returning commits both, throwing rolls both back. */
  static void reserve(Event<OrderPlaced> event, Connection tx) throws SQLException {
    OrderPlaced order = event.data();
    if (order.totalCents() <= 0) {
      // a retry cannot fix this event: dead-letter it now instead of after maxReceiveCount attempts
      throw new NonRetryableException("order " + order.orderId() + " has a total of " + order.totalCents());
    }
    try (PreparedStatement insert = tx.prepareStatement("INSERT INTO credit_reservations VALUES (?, ?, ?)")) {
      insert.setString(1, order.orderId());
      insert.setString(2, order.customerId());
      insert.setLong(3, order.totalCents());
      insert.executeUpdate();
    }
  }

  /** Gives back the messages not yet handled and waits for running handlers. */
  @Override
  public void close() {
    consumer.close();
  }
}
