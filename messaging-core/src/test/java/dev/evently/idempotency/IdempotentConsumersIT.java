package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.jdbc.TestDatabases;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Several consumer instances sharing one PostgreSQL dedup table record each effect exactly once. */
@LocalAws
class IdempotentConsumersIT {
  private static final int WAVE = 100;
  private final List<SqsConsumer> consumers = new ArrayList<>();
  private HikariDataSource ds;

  @BeforeEach
  void database() throws Exception {
    ds = TestDatabases.postgres("consumers");
    ConsumerFixtures.createEffectsTable(ds);
  }

  @AfterEach
  void close() {
    consumers.forEach(SqsConsumer::close);
    TestDatabases.dropPostgres(ds);
  }

  @Test
  void thousandEventsWith30PercentDuplicatesOnThreeConsumersHaveEachEffectOnce(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws, TestNames names) {
    String queueName = names.queue("payments");
    String queueUrl = aws.createQueue(queueName, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "10"));
    List<Event<Payment>> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      events.add(Payment.event("o-" + i, i));
    }
    List<Event<Payment>> sends = new ArrayList<>(events);
    sends.addAll(events.subList(0, 300));
    Collections.shuffle(sends, new Random(42));

    for (int i = 0; i < 3; i++) {
      SqsConsumer consumer =
          ConsumerFixtures.consumer(
              sqsAsync, queueName, JdbcIdempotentHandler.of(ds, "billing", ConsumerFixtures::recordEffect), 30);
      consumers.add(consumer);
      consumer.start();
    }

    // moto's ReceiveMessage slows down with queue depth: feed the queue in waves, as a steady
    // producer would, instead of pre-loading 1,300 messages
    for (int from = 0; from < sends.size(); from += WAVE) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> aws.messagesIn(queueUrl) < WAVE / 2);
      ConsumerFixtures.sendAll(aws, queueUrl, sends.subList(from, Math.min(sends.size(), from + WAVE)));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                TestDatabases.count(ds, "SELECT COUNT(*) FROM effects") >= 1000
                    && aws.messagesIn(queueUrl) == 0);
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM effects")).isEqualTo(1000);
    assertThat(TestDatabases.count(ds, "SELECT COUNT(DISTINCT event_id) FROM effects")).isEqualTo(1000);
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_processed_events WHERE consumer = 'billing'"))
        .isEqualTo(1000);
  }
}
