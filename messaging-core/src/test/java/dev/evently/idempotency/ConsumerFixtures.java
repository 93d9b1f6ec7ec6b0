package dev.evently.idempotency;

import dev.evently.consume.EventHandler;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.event.TestMessages;
import dev.evently.localstack.AwsFixtures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Queue, effect table and consumer helpers for the idempotent-consumer ITs. */
final class ConsumerFixtures {
  static final EventCodec CODEC = EventCodec.of(EventTypes.builder().register("PaymentReceived", Payment.class).build());

  private ConsumerFixtures() {}

  static void createEffectsTable(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id VARCHAR(200) NOT NULL, order_id VARCHAR(200))");
    }
  }

  /** The handler's own database change: one effect row, in the handler's transaction. */
  static void recordEffect(Event<Payment> event, Connection tx) throws Exception {
    try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects VALUES (?, ?)")) {
      ps.setString(1, event.id());
      ps.setString(2, event.data().orderId());
      ps.executeUpdate();
    }
  }

  static SqsConsumer consumer(SqsAsyncClient sqs, String queueName, EventHandler<Payment> handler, int maxInFlight) {
    return SqsConsumer.builder()
        .client(sqs)
        .queueName(queueName)
        .codec(CODEC)
        .handle(Payment.class, handler)
        .maxInFlight(maxInFlight)
        .waitTime(Duration.ofSeconds(1))
        .allowMissingDeadLetterQueue(true)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Sends each event's encoded message, in batches of 10. */
  static void sendAll(AwsFixtures aws, String queueUrl, List<? extends Event<?>> events) {
    aws.sendBatches(queueUrl, events.stream().map(e -> TestMessages.entry(CODEC, e)).toList());
  }
}
