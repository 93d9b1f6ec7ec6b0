package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.publish.EncodedMessage;
import dev.evently.jdbc.MutableClock;
import dev.evently.jdbc.TestDatabases;
import dev.evently.publish.BufferFullException;
import dev.evently.publish.PublishException;
import dev.evently.retry.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The behaviour of {@link Outbox} and {@link OutboxRelay} on one database; one subclass per database. */
abstract class OutboxContract {
  protected final MutableClock clock = new MutableClock();
  protected final RecordingPublisher sns = new RecordingPublisher();
  private final List<OutboxRelay> relays = new ArrayList<>();
  private DataSource ds;
  private Outbox outbox;

  /** An empty database with the evently tables. */
  protected abstract DataSource dataSource();

  @BeforeEach
  void setUp() {
    ds = dataSource();
    outbox = Outbox.builder().codec(OrderPlaced.CODEC).build();
  }

  @AfterEach
  void closeRelays() {
    relays.forEach(OutboxRelay::close);
  }

  private OutboxRelay.Builder relay() {
    return OutboxRelay.builder()
        .dataSource(ds)
        .outbox(outbox)
        .publishers(Map.of("order-events", sns))
        .clock(clock);
  }

  private OutboxRelay started(OutboxRelay relay) {
    relays.add(relay);
    relay.start();
    return relay;
  }

  private void inTransaction(boolean commit, Event<?>... events) throws SQLException {
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      for (Event<?> e : events) {
        outbox.publish(tx, "order-events", e);
      }
      if (commit) {
        tx.commit();
      } else {
        tx.rollback();
      }
    }
  }

  private long rows(String where) {
    return TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE " + where);
  }

  @Test
  void aRolledBackEventIsNeverPublishedAndACommittedOneIs() throws Exception {
    Event<OrderPlaced> rolledBack = OrderPlaced.event("o-1", 1);
    Event<OrderPlaced> committed = OrderPlaced.event("o-2", 1);
    inTransaction(false, rolledBack);
    inTransaction(true, committed);
    OutboxRelay relay = relay().build();
    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(relay.relayOnce()).isZero();
    assertThat(sns.published()).containsExactly(committed);
    assertThat(rows("published_at IS NOT NULL AND attempts = 1")).isEqualTo(1);
  }

  @Test
  void publishingOutsideATransactionOrAnUnregisteredTypeIsRefusedAndWritesNothing() throws Exception {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> outbox.publish(c, "order-events", OrderPlaced.event("o-1", 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("auto-commit");
      c.setAutoCommit(false);
      assertThatThrownBy(() -> outbox.publish(c, "order-events", Event.of("Unknown", "orders", new Object())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not registered");
      assertThatThrownBy(() -> outbox.publish(c, " ", OrderPlaced.event("o-1", 1)))
          .hasMessageContaining("topic");
      c.commit();
    }
    assertThat(rows("1 = 1")).isZero();
  }

  @Test
  void theStoredMessageIsRelayedAsWrittenWithItsTypeAttributeAndFifoIds() throws Exception {
    Event<OrderPlaced> event = OrderPlaced.event("o-1", 1);
    inTransaction(true, event);
    assertThat(relay().build().relayOnce()).isEqualTo(1);

    EncodedMessage sent = sns.messages().get(0);
    assertThat(sent.body()).isEqualTo(OrderPlaced.CODEC.encode(event));
    assertThat(sent.body()).isEqualTo(TestDatabases.string(ds, "SELECT payload FROM evently_outbox"));
    assertThat(sent.attributes()).isEqualTo(Map.of(EventAttributes.TYPE, "OrderPlaced"));
    assertThat(sent.messageGroupId()).isEqualTo("o-1");
    assertThat(sent.deduplicationId()).isEqualTo(event.id());
  }

  @Test
  void theWritersTraceIsStoredWithTheRowAndRelayedWithIt() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build()) {
      Span request = otel.getTracer("test").spanBuilder("POST /orders").startSpan();
      Event<OrderPlaced> event = OrderPlaced.event("o-1", 1);
      try (Scope scope = request.makeCurrent()) {
        inTransaction(true, event);
      } finally {
        request.end();
      }
      assertThat(relay().build().relayOnce()).isEqualTo(1);
      EncodedMessage sent = sns.messages().get(0);
      var context = request.getSpanContext();
      String traceparent =
          "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
      assertThat(sent.attributes()).containsEntry("traceparent", traceparent);
      assertThat(OrderPlaced.CODEC.decode(sent.body()).traceparent()).isEqualTo(traceparent);
    }
    // without a current span nothing is added
    inTransaction(true, OrderPlaced.event("o-2", 1));
    relay().build().relayOnce();
    assertThat(sns.messages().get(1).attributes()).doesNotContainKey("traceparent");
  }

  @Test
  void theOutboxStoresTheFifoIdsOfItsOwnFunctions() throws Exception {
    outbox = Outbox.builder().codec(OrderPlaced.CODEC).messageGroupId(e -> "group-" + e.subject())
        .deduplicationId(e -> null).build();
    inTransaction(true, OrderPlaced.event("o-1", 1));
    relay().build().relayOnce();

    EncodedMessage sent = sns.messages().get(0);
    assertThat(sent.messageGroupId()).isEqualTo("group-o-1");
    assertThat(sent.deduplicationId()).as("content-based deduplication").isNull();
  }

  @Test
  void aRowWhoseTypeTheRelaysCodecNoLongerKnowsIsStillPublished() throws Exception {
    // written under a type name the current code has renamed: the relay never decodes, so it goes out
    EventCodec before = EventCodec.of(EventTypes.builder().register("OrderPlacedV0", OrderPlaced.class).build());
    Outbox writer = Outbox.builder().codec(before).build();
    Event<OrderPlaced> old = Event.of("OrderPlacedV0", "orders", new OrderPlaced("o-1", 1)).withSubject("o-1");
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      writer.publish(tx, "order-events", old);
      tx.commit();
    }
    assertThat(relay().build().relayOnce()).isEqualTo(1);
    assertThat(sns.messages()).singleElement().satisfies(m -> {
      assertThat(m.body()).isEqualTo(before.encode(old));
      assertThat(m.attributes()).containsEntry(EventAttributes.TYPE, "OrderPlacedV0");
    });
  }

  @Test
  void aRowInsertedWithoutTheStoredMessageColumnsIsPublishedAsTheOlderVersionDid() throws Exception {
    // what Outbox wrote before migration V4, and what an older writer still inserts during a rolling upgrade
    Event<OrderPlaced> keyed = OrderPlaced.event("o-1", 1);
    Event<OrderPlaced> unkeyed = Event.of("OrderPlaced", "orders", new OrderPlaced("o-2", 1));
    OutboxUpgradeSupport.insertAsVersion3(ds, "order-events", keyed, OrderPlaced.CODEC);
    OutboxUpgradeSupport.insertAsVersion3(ds, "order-events", unkeyed, OrderPlaced.CODEC);

    assertThat(relay().build().relayOnce()).isEqualTo(2);

    List<EncodedMessage> sent = sns.messages();
    assertThat(sent).extracting(EncodedMessage::body)
        .containsExactly(OrderPlaced.CODEC.encode(keyed), OrderPlaced.CODEC.encode(unkeyed));
    assertThat(sent).allSatisfy(m -> assertThat(m.attributes()).isEqualTo(Map.of(EventAttributes.TYPE, "OrderPlaced")));
    assertThat(sent).extracting(EncodedMessage::messageGroupId).containsExactly("o-1", unkeyed.id());
    assertThat(sent).extracting(EncodedMessage::deduplicationId).containsExactly(keyed.id(), unkeyed.id());
    assertThat(rows("published_at IS NOT NULL AND message_format = 1")).isEqualTo(2);
  }

  @Test
  void aRowWhoseStoredAttributesAreNotAJsonObjectIsParked() throws Exception {
    inTransaction(true, OrderPlaced.event("o-1", 1));
    TestDatabases.execute(ds, "UPDATE evently_outbox SET message_attributes = 'not json'");
    OutboxRelay relay = relay().build();
    assertThat(relay.relayOnce()).isZero();
    assertThat(relay.parked(10)).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("message_attributes are not a JSON object"));
  }

  @Test
  void aRowWhoseTransactionCommitsLateIsStillPublished() throws Exception {
    Event<OrderPlaced> late = OrderPlaced.event("o-1", 1);
    Event<OrderPlaced> early = OrderPlaced.event("o-2", 1);
    OutboxRelay relay = relay().build();
    try (Connection slow = ds.getConnection()) {
      slow.setAutoCommit(false);
      outbox.publish(slow, "order-events", late); // takes the lower id
      inTransaction(true, early);
      assertThat(relay.relayOnce()).isEqualTo(1);
      slow.commit();
    }
    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(sns.published()).containsExactly(early, late);
  }

  @Test
  void aFailedRowIsRetriedAfterItsBackoffAndHoldsBackTheNewerRowsOfItsKeyOnly() throws Exception {
    Event<OrderPlaced> a1 = OrderPlaced.event("A", 1);
    Event<OrderPlaced> b1 = OrderPlaced.event("B", 1);
    Event<OrderPlaced> a2 = OrderPlaced.event("A", 2);
    inTransaction(true, a1, b1, a2);
    sns.refuse(e -> e.eventId().equals(a1.id()));
    OutboxRelay relay = relay().retryBackoff(Backoff.exponential(Duration.ofSeconds(10), Duration.ofMinutes(1))).build();

    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(sns.published()).containsExactly(b1);
    assertThat(rows("published_at IS NULL AND attempts = 1 AND last_error LIKE '%SNS unreachable%'")).isEqualTo(1);

    sns.acceptAll();
    assertThat(relay.relayOnce()).as("A1 waits for its backoff, A2 waits for A1").isZero();
    clock.advance(Duration.ofSeconds(11));
    assertThat(relay.relayOnce()).isEqualTo(2);
    assertThat(sns.published()).containsExactly(b1, a1, a2);
  }

  @Test
  void aRowThePublisherRefusesForGoodIsParkedAndTheNewerRowsOfItsKeyProceed() throws Exception {
    Event<OrderPlaced> a1 = OrderPlaced.event("A", 1);
    Event<OrderPlaced> b1 = OrderPlaced.event("B", 1);
    Event<OrderPlaced> a2 = OrderPlaced.event("A", 2);
    Event<OrderPlaced> a3 = OrderPlaced.event("A", 3);
    inTransaction(true, a1, b1, a2);
    sns.refuse(
        e -> e.eventId().equals(a1.id()),
        e -> new PublishException(e.eventId(), "event " + e.eventId() + " is 300000 bytes, more than maxMessageBytes", false, null));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutboxRelay relay = relay().meterRegistry(registry).build();

    assertThat(relay.relayOnce()).isEqualTo(2);
    assertThat(sns.published()).containsExactly(b1, a2);
    assertThat(rows("parked_at IS NOT NULL AND published_at IS NULL AND attempts = 1"
        + " AND last_error LIKE '%more than maxMessageBytes%'")).isEqualTo(1);
    assertThat(registry.get("evently.outbox.parked").counter().count()).isEqualTo(1);

    inTransaction(true, a3);
    clock.advance(Duration.ofHours(1));
    assertThat(relay.relayOnce()).as("the parked row is never picked again, nor holds back A3").isEqualTo(1);
    assertThat(sns.published()).containsExactly(b1, a2, a3);

    List<OutboxRelay.ParkedEvent> parked = relay.parked(10);
    assertThat(parked).hasSize(1);
    OutboxRelay.ParkedEvent p = parked.get(0);
    assertThat(p.eventId()).isEqualTo(a1.id());
    assertThat(p.type()).isEqualTo("OrderPlaced");
    assertThat(p.topic()).isEqualTo("order-events");
    assertThat(p.subject()).isEqualTo("A");
    assertThat(p.attempts()).isEqualTo(1);
    assertThat(p.parkedAt()).isNotNull();
    assertThat(p.reason()).contains("more than maxMessageBytes");

    sns.acceptAll();
    assertThat(relay.retryParked("no-such-event")).isFalse();
    assertThat(relay.retryParked(a1.id())).isTrue();
    assertThat(relay.retryParked(a1.id())).as("no longer parked").isFalse();
    assertThat(relay.parked(10)).isEmpty();
    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(sns.published()).containsExactly(b1, a2, a3, a1);
    assertThat(rows("published_at IS NOT NULL AND parked_at IS NULL")).isEqualTo(4);
  }

  @Test
  void anEventThePublisherRejectsAsAnInvalidArgumentIsParked() throws Exception {
    Event<OrderPlaced> bad = OrderPlaced.event("A", 1);
    Event<OrderPlaced> next = OrderPlaced.event("A", 2);
    inTransaction(true, bad, next);
    sns.refuse(
        e -> e.eventId().equals(bad.id()),
        e -> new IllegalArgumentException("event " + e.eventId() + " was not sent: MessageGroupId has ' ' at index 1"));
    assertThat(relay().build().relayOnce()).isEqualTo(1);
    assertThat(sns.published()).containsExactly(next);
    assertThat(rows("parked_at IS NOT NULL AND last_error LIKE '%MessageGroupId%'")).isEqualTo(1);
  }

  @Test
  void retryableFailuresAndWholeCallsSnsRefusedAreRetriedNotParked() throws Exception {
    OutboxRelay relay = relay().retryBackoff(Backoff.fixed(Duration.ofSeconds(1))).build();
    Event<OrderPlaced> full = OrderPlaced.event("A", 1);
    Event<OrderPlaced> denied = OrderPlaced.event("B", 1);
    inTransaction(true, full, denied, OrderPlaced.event("C", 1));
    sns.refuse(
        e -> true,
        e -> {
          if (e.eventId().equals(full.id())) {
            return new BufferFullException(e.eventId(), "publisher full (test)");
          }
          if (e.eventId().equals(denied.id())) {
            // the topic or the credentials, not the event: fixed by an operator, then the row goes out
            SnsException cause =
                (SnsException) SnsException.builder().statusCode(403)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AuthorizationError").build())
                    .message("not authorized (test)").build();
            return new PublishException(e.eventId(), "AuthorizationError: not authorized (test)", false, cause);
          }
          return new IllegalStateException("publisher is closed (test)");
        });
    assertThat(relay.relayOnce()).isZero();
    assertThat(rows("parked_at IS NULL AND published_at IS NULL AND attempts = 1")).isEqualTo(3);
    assertThat(relay.parked(10)).isEmpty();

    sns.acceptAll();
    clock.advance(Duration.ofSeconds(2));
    assertThat(relay.relayOnce()).isEqualTo(3);
  }

  @Test
  void parkedRowsAreNotPurged() throws Exception {
    Event<OrderPlaced> bad = OrderPlaced.event("A", 1);
    inTransaction(true, bad);
    sns.refuse(e -> true, e -> new PublishException(e.eventId(), "cannot be encoded (test)", false, null));
    OutboxRelay relay = relay().retention(Duration.ofDays(1)).build();
    assertThat(relay.relayOnce()).isZero();
    clock.advance(Duration.ofDays(30));
    assertThat(relay.purgePublished()).isZero();
    assertThat(relay.parked(10)).extracting(OutboxRelay.ParkedEvent::eventId).containsExactly(bad.id());
  }

  @Test
  void theRetryDelayFollowsTheBackoffFromTheRowsFailuresSoFar() {
    OutboxRelay relay =
        relay().retryBackoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withJitter(0)).build();
    assertThat(relay.retryDelay(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(relay.retryDelay(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(relay.retryDelay(5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(relay.retryDelay(200)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aTopicWithoutPublisherKeepsItsRowsPendingWithTheReason() throws Exception {
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      outbox.publish(tx, "nowhere", OrderPlaced.event("o-1", 1));
      tx.commit();
    }
    assertThat(relay().build().relayOnce()).isZero();
    assertThat(rows("published_at IS NULL AND last_error LIKE '%no publisher for topic ''nowhere''%'")).isEqualTo(1);
  }

  @Test
  void publishedRowsAreDeletedAfterTheRetention() throws Exception {
    inTransaction(true, OrderPlaced.event("o-1", 1));
    OutboxRelay relay = relay().retention(Duration.ofDays(1)).build();
    relay.relayOnce();
    assertThat(relay.purgePublished()).isZero();
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    inTransaction(true, OrderPlaced.event("o-2", 1));
    assertThat(relay.purgePublished()).isEqualTo(1);
    assertThat(rows("1 = 1")).as("the pending row stays").isEqualTo(1);
  }

  @Test
  void withZeroRetentionPublishedRowsAreDeletedAtOnce() throws Exception {
    inTransaction(true, OrderPlaced.event("o-1", 1));
    relay().retention(Duration.ZERO).build().relayOnce();
    assertThat(sns.published()).hasSize(1);
    assertThat(rows("1 = 1")).isZero();
  }

  @Test
  void twoRelaysPublish500EventsOnceEachInOrderPerKey() throws Exception {
    List<Event<OrderPlaced>> events = new ArrayList<>();
    for (int line = 0; line < 10; line++) {
      for (int order = 0; order < 50; order++) {
        events.add(OrderPlaced.event("order-" + order, line));
      }
    }
    started(relay().batchSize(25).build());
    started(relay().batchSize(25).build());
    for (int i = 0; i < events.size(); i += 20) {
      inTransaction(true, events.subList(i, i + 20).toArray(Event<?>[]::new));
    }
    // Published first, marked when the batch commits.
    await().atMost(30, TimeUnit.SECONDS).until(() -> sns.published().size() >= 500 && rows("published_at IS NULL") == 0);
    List<String> ids = sns.publishedIds();
    assertThat(new HashSet<>(ids)).hasSize(500);
    assertThat(ids).hasSize(500);
    Map<String, List<Integer>> linesPerOrder = new LinkedHashMap<>();
    for (Event<?> e : sns.published()) {
      OrderPlaced p = (OrderPlaced) e.data();
      linesPerOrder.computeIfAbsent(p.orderId(), k -> new ArrayList<>()).add(p.line());
    }
    assertThat(linesPerOrder).hasSize(50);
    linesPerOrder.forEach((order, lines) -> assertThat(lines).as(order).isSorted());
  }

  @Test
  void anIdleRelayIsWokenByAWriteAndPublishesWithinMilliseconds() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutboxRelay relay =
        started(relay().pollInterval(Duration.ofMillis(10), Duration.ofSeconds(2)).meterRegistry(registry).build());
    await().atMost(10, TimeUnit.SECONDS).until(() -> relay.idleDelayMillis() >= 1000);
    for (int i = 0; i < 20; i++) {
      int expected = i + 1;
      inTransaction(true, OrderPlaced.event("o-" + i, 1));
      await().atMost(Duration.ofMillis(900)).until(() -> sns.published().size() == expected);
    }
    var delay = registry.get("evently.outbox.delay").timer();
    assertThat(delay.count()).isEqualTo(20);
    assertThat(delay.mean(TimeUnit.MILLISECONDS)).as("mean commit-to-publish delay").isLessThan(250);
    assertThat(registry.get("evently.outbox.published").counter().count()).isEqualTo(20);
  }
}
