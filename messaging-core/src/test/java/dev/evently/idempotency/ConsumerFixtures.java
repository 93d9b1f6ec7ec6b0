package dev.evently.idempotency;

import dev.evently.consume.EventHandler;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

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
  static void sendAll(SqsClient sqs, String queueUrl, List<? extends Event<?>> events) {
    for (int i = 0; i < events.size(); i += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (Event<?> e : events.subList(i, Math.min(i + 10, events.size()))) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(UUID.randomUUID().toString())
                .messageBody(CODEC.encode(e))
                .messageAttributes(
                    Map.of(
                        EventAttributes.TYPE,
                        MessageAttributeValue.builder().dataType("String").stringValue(e.type()).build()))
                .build());
      }
      var result = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      if (!result.failed().isEmpty()) {
        throw new IllegalStateException("send failed: " + result.failed());
      }
    }
  }

  /** Visible + in flight + delayed. */
  static int messagesIn(SqsClient sqs, String queueUrl) {
    return sqs
        .getQueueAttributes(
            b ->
                b.queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        .attributes()
        .values()
        .stream()
        .mapToInt(Integer::parseInt)
        .sum();
  }
}
