package dev.evently.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.publish.SnsPublisher;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The plain-Java example end to end on the local SNS/SQS backend: an order and its event commit in
 * one H2 transaction, the outbox relay publishes it to SNS, SNS delivers it to the subscribed
 * queue, the credit service reserves once (also for a second delivery), and poison ends in the DLQ.
 */
@LocalAws
class PlainJavaExampleIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private HikariDataSource orderDb;
  private HikariDataSource creditDb;
  private OrderService orders;
  private CreditService credit;
  private String topic;
  private QueueWithDlq queue;
  private String tap;

  @BeforeEach
  void start(AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    // the topology (infra/topology.yaml in a real system): the topic, the consumer's queue with a DLQ
    // after 3 receives, subscribed with raw delivery and a filter on the event type; plus a tap
    // queue on the same topic, where the test picks up a copy of what SNS delivered
    topic = fixtures.createTopic(names.topic("order-events"));
    queue = fixtures.createQueueWithDlq(names.queue("customer-service"), 3);
    fixtures.subscribe(topic, queue.url(), true, "{\"" + EventAttributes.TYPE + "\":[\"" + OrderPlaced.TYPE + "\"]}");
    tap = fixtures.createQueue(names.queue("tap"));
    fixtures.subscribe(topic, tap, true, null);

    orderDb = Databases.h2File(dir.resolve("orders"), OrderService.SCHEMA);
    creditDb = Databases.h2File(dir.resolve("credit"), CreditService.SCHEMA);
    orders = new OrderService(orderDb, aws.snsAsync(), topic);
    credit = new CreditService(creditDb, aws.sqsAsync(), names.queue("customer-service")).start();
  }

  @AfterEach
  void stop() {
    if (credit != null) {
      credit.close();
    }
    if (orders != null) {
      orders.close();
    }
    if (creditDb != null) {
      creditDb.close();
    }
    if (orderDb != null) {
      orderDb.close();
    }
  }

  @Test
  void anOrderIsRelayedDeliveredAndReservedOnceEvenWhenItsMessageArrivesTwice(
      SqsClient sqs, AwsFixtures fixtures) throws Exception {
    String orderId = orders.placeOrder("customer-1", 12_50);

    await().atMost(DEADLINE).until(() -> count(creditDb, "SELECT COUNT(*) FROM credit_reservations") == 1);
    assertThat(count(orderDb, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL")).isZero();
    assertThat(count(creditDb, "SELECT amount_cents FROM credit_reservations WHERE order_id = '" + orderId + "'"))
        .isEqualTo(12_50);

    // SQS delivers at least once: the same message again, body and attributes as SNS delivered them
    Message copy = fixtures.receiveAll(tap, DEADLINE, 1).get(0);
    assertThat(OrderPlaced.CODEC.decode(copy.body()).data()).isEqualTo(new OrderPlaced(orderId, "customer-1", 12_50));
    sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody(copy.body()).messageAttributes(copy.messageAttributes()));

    // acknowledged (deleted, not dead-lettered) without running the handler again
    await().atMost(DEADLINE).until(() -> fixtures.messagesIn(queue.url()) == 0);
    assertThat(count(creditDb, "SELECT COUNT(*) FROM credit_reservations")).isEqualTo(1);
    assertThat(count(creditDb, "SELECT COUNT(*) FROM evently_processed_events")).isEqualTo(1);
    assertThat(fixtures.messagesIn(queue.dlqUrl())).isZero();
  }

  @Test
  void poisonEndsInTheDeadLetterQueueWithItsReason(AwsBackend aws, SqsClient sqs, AwsFixtures fixtures)
      throws Exception {
    // an event no retry can fix (the handler throws NonRetryableException), published by another service
    try (SnsPublisher other =
        SnsPublisher.builder().client(aws.snsAsync()).topic(topic).codec(OrderPlaced.CODEC).build()) {
      Event<OrderPlaced> zeroTotal = OrderPlaced.TYPES.event("another-service", new OrderPlaced("o-1", "c-1", 0));
      other.publish(zeroTotal).get(10, TimeUnit.SECONDS);
    }
    // and a body that is no event at all
    sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody("this is not an event"));

    List<Message> dead = fixtures.receiveAll(queue.dlqUrl(), DEADLINE, 2);
    assertThat(dead).hasSize(2);
    assertThat(dead)
        .filteredOn(m -> m.body().equals("this is not an event"))
        .singleElement()
        .satisfies(m -> assertThat(m.messageAttributes()).containsKey(EventAttributes.DLQ_REASON));
    assertThat(dead)
        .filteredOn(m -> !m.body().equals("this is not an event"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(OrderPlaced.CODEC.decode(m.body()).data()).isEqualTo(new OrderPlaced("o-1", "c-1", 0));
              assertThat(m.messageAttributes().get(EventAttributes.DLQ_REASON).stringValue())
                  .isEqualTo(SqsConsumer.HANDLER_REJECTED);
            });
    await().atMost(DEADLINE).until(() -> fixtures.messagesIn(queue.url()) == 0);
    assertThat(count(creditDb, "SELECT COUNT(*) FROM credit_reservations")).isZero();
    assertThat(count(creditDb, "SELECT COUNT(*) FROM evently_processed_events")).as("rolled back").isZero();
  }

  private static long count(DataSource db, String sql) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
