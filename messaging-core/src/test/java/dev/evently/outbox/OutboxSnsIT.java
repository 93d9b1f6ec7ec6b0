package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.Event;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.TestDatabases;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TcpProxy;
import dev.evently.localstack.TestNames;
import dev.evently.publish.SnsPublisher;
import dev.evently.retry.Backoff;
import dev.evently.event.EventAttributes;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The outbox end to end: PostgreSQL, relays, SnsPublisher, moto SNS -> SQS. */
@LocalAws
class OutboxSnsIT {
  /** Bounds an SNS call through the proxy; generous: a call that times out may still have published. */
  private static final Duration SNS_CALL_TIMEOUT = Duration.ofSeconds(5);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private HikariDataSource ds;
  private Outbox outbox;

  @BeforeEach
  void database() {
    ds = TestDatabases.postgres("outbox_sns");
    outbox = Outbox.builder().codec(OrderPlaced.CODEC).build();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    TestDatabases.dropPostgres(ds);
  }

  /** A topic and a queue subscribed to it (raw delivery). */
  private record Subscribed(String topic, String queue) {}

  private static Subscribed subscribedQueue(AwsFixtures fixtures, TestNames names) {
    String topic = fixtures.createTopic(names.topic("orders"));
    String queue = fixtures.createQueue(names.queue("orders"));
    fixtures.subscribe(topic, queue, true, null);
    return new Subscribed(topic, queue);
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private OutboxRelay relay(SnsAsyncClient sns, String topicArn) {
    return relay(sns, topicArn, 100);
  }

  private OutboxRelay relay(SnsAsyncClient sns, String topicArn, int batchSize) {
    SnsPublisher publisher =
        closing(SnsPublisher.builder().client(sns).topic(topicArn).codec(OrderPlaced.CODEC).maxAttempts(2).build());
    OutboxRelay relay =
        OutboxRelay.builder()
            .dataSource(ds)
            .outbox(outbox)
            .batchSize(batchSize)
            .publishers(Map.of("order-events", publisher))
            .retryBackoff(Backoff.exponential(Duration.ofMillis(200), Duration.ofMillis(500)))
            // longer than a publish can take (2 attempts of at most SNS_CALL_TIMEOUT): a row is only marked
            // failed once its publish has failed, never while a retry may still succeed (that would be a
            // duplicate, which the tests rule out)
            .publishTimeout(SNS_CALL_TIMEOUT.multipliedBy(3))
            .build();
    closing(relay).start();
    return relay;
  }

  private void commit(List<Event<OrderPlaced>> events, boolean commit) throws Exception {
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      for (Event<OrderPlaced> e : events) {
        outbox.publish(tx, "order-events", e);
      }
      if (commit) {
        tx.commit();
      } else {
        tx.rollback();
      }
    }
  }

  private static List<Event<OrderPlaced>> events(String prefix, int count) {
    List<Event<OrderPlaced>> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(OrderPlaced.event(prefix + (i % 25), i));
    }
    return events;
  }

  private static Set<String> ids(List<? extends Event<?>> events) {
    Set<String> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.id()));
    return ids;
  }

  private static List<String> receivedIds(List<Message> messages) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Message m : messages) {
      ids.add(OrderPlaced.CODEC.decode(m.body()).id());
    }
    return ids;
  }

  @Test
  void rolledBackEventsNeverArriveAndCommittedOnesDo(
      AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    Subscribed orders = subscribedQueue(fixtures, names);
    String topic = orders.topic();
    String queue = orders.queue();
    relay(aws.snsAsync(), topic);
    List<Event<OrderPlaced>> rolledBack = events("rb-", 5);
    List<Event<OrderPlaced>> committed = events("ok-", 5);
    commit(rolledBack, false);
    commit(committed, true);

    List<Message> received = fixtures.receiveAll(queue, Duration.ofSeconds(15), 5);
    assertThat(receivedIds(received)).containsExactlyInAnyOrderElementsOf(ids(committed));
    assertThat(fixtures.approximateDepth(queue)).as("nothing else arrived").isZero();
  }

  @Test
  void aRowWrittenByTheTableOfBeforeTheUpgradeArrivesWithItsTypeAttributeAfterIt(
      AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    HikariDataSource fresh = TestDatabases.postgresEmpty("outbox_upgrade");
    toClose.add(() -> TestDatabases.dropPostgres(fresh));
    OutboxUpgradeSupport.migrateToVersion3(fresh, fresh.getSchema());
    Event<OrderPlaced> old = OrderPlaced.event("order-1", 1);
    OutboxUpgradeSupport.insertAsVersion3(fresh, "order-events", old, OrderPlaced.CODEC);
    EventlyMigrations.migrate(fresh, EventlyMigrations.Options.defaults().withSchema(fresh.getSchema()));
    String topic = fixtures.createTopic(names.topic("orders"));
    String queue = fixtures.createQueue(names.queue("orders"));
    // a subscription filtering on the type attribute: only a message that carries it arrives
    fixtures.subscribe(topic, queue, true, "{\"" + EventAttributes.TYPE + "\":[\"OrderPlaced\"]}");
    SnsPublisher publisher =
        closing(SnsPublisher.builder().client(aws.snsAsync()).topic(topic).codec(OrderPlaced.CODEC).build());
    closing(
            OutboxRelay.builder()
                .dataSource(fresh)
                .outbox(outbox)
                .publishers(Map.of("order-events", publisher))
                .build())
        .start();

    List<Message> received = fixtures.receiveAll(queue, Duration.ofSeconds(15), 1);
    assertThat(receivedIds(received)).containsExactly(old.id());
    assertThat(received.get(0).body()).isEqualTo(OrderPlaced.CODEC.encode(old));
  }

  @Test
  void twoRelaysDeliver500EventsToASubscribedQueueOnceEach(
      AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    Subscribed orders = subscribedQueue(fixtures, names);
    String topic = orders.topic();
    String queue = orders.queue();
    // small batches: each relay takes many turns, next to the other
    relay(aws.snsAsync(), topic, 25);
    relay(aws.snsAsync(), topic, 25);
    List<Event<OrderPlaced>> events = events("o-", 500);
    // drain while the relays publish, as a subscriber would: moto's ReceiveMessage slows down with the
    // depth of the queue, and a loaded machine could not drain 500 queued messages within the deadline
    CompletableFuture<List<Message>> draining =
        CompletableFuture.supplyAsync(() -> fixtures.receiveAll(queue, Duration.ofSeconds(120), 500));
    for (int i = 0; i < 500; i += 50) {
      commit(events.subList(i, i + 50), true);
    }

    List<String> ids = receivedIds(draining.get(150, TimeUnit.SECONDS));
    assertThat(ids).hasSize(500);
    assertThat(fixtures.approximateDepth(queue)).as("no duplicates left").isZero();
    assertThat(new HashSet<>(ids)).isEqualTo(ids(events));
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL")).isZero();
  }

  @Test
  void anEventTooLargeForSnsIsParkedAndTheNextEventOfItsSubjectArrives(
      AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    Subscribed orders = subscribedQueue(fixtures, names);
    OutboxRelay relay = relay(aws.snsAsync(), orders.topic());
    Event<OrderPlaced> tooLarge =
        Event.of("OrderPlaced", "orders", new OrderPlaced("x".repeat(300_000), 1)).withSubject("order-1");
    Event<OrderPlaced> next = OrderPlaced.event("order-1", 2);
    commit(List.of(tooLarge, next), true);

    List<Message> received = fixtures.receiveAll(orders.queue(), Duration.ofSeconds(15), 1);
    assertThat(receivedIds(received)).containsExactly(next.id());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(relay.parked(10))
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.eventId()).isEqualTo(tooLarge.id());
                          assertThat(p.subject()).isEqualTo("order-1");
                          assertThat(p.reason()).contains("more than maxMessageBytes").doesNotContain("xxxx");
                        }));
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL")).isEqualTo(1);
    assertThat(fixtures.approximateDepth(orders.queue())).as("the parked event was never sent").isZero();
  }

  @Test
  void duringAnSnsOutageEventsWaitAndArriveOnceItEnds(
      AwsBackend aws, AwsFixtures fixtures, TestNames names) throws Exception {
    Subscribed orders = subscribedQueue(fixtures, names);
    String topic = orders.topic();
    String queue = orders.queue();
    TcpProxy proxy = closing(TcpProxy.start(aws.endpoint()));
    SnsAsyncClient viaProxy =
        closing(
            aws.configure(SnsAsyncClient.builder())
                .endpointOverride(proxy.endpoint())
                .overrideConfiguration(c -> c.apiCallTimeout(SNS_CALL_TIMEOUT))
                .build());
    relay(viaProxy, topic);
    proxy.cut();
    List<Event<OrderPlaced>> events = events("o-", 20);
    commit(events, true);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                TestDatabases.count(
                        ds, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL AND attempts >= 2")
                    == 20);
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE last_error IS NOT NULL"))
        .isEqualTo(20);
    assertThat(fixtures.approximateDepth(queue)).isZero();

    proxy.restore();
    List<Message> received = fixtures.receiveAll(queue, Duration.ofSeconds(30), 20);
    List<String> ids = receivedIds(received);
    assertThat(ids).hasSize(20);
    assertThat(fixtures.approximateDepth(queue)).as("no duplicates left").isZero();
    assertThat(new HashSet<>(ids)).isEqualTo(ids(events));
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL")).isZero();
  }
}
