package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcIdempotentHandler} on one database; one subclass per database. */
abstract class JdbcIdempotentHandlerContract {
  private final AtomicInteger runs = new AtomicInteger();
  private DataSource ds;

  /** An empty database with the evently tables. */
  protected abstract DataSource dataSource();

  @BeforeEach
  void createEffectsTable() throws Exception {
    ds = dataSource();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id VARCHAR(200) NOT NULL, order_id VARCHAR(200))");
    }
  }

  /** Records the effect in the handler's transaction. */
  private void recordEffect(Event<Payment> event, Connection tx) throws Exception {
    runs.incrementAndGet();
    try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects VALUES (?, ?)")) {
      ps.setString(1, event.id());
      ps.setString(2, event.data().orderId());
      ps.executeUpdate();
    }
  }

  private long effects() {
    return TestDatabases.count(ds, "SELECT COUNT(*) FROM effects");
  }

  @Test
  void theEffectIsRecordedOnceAndCopiesAreAcknowledgedWithoutRunningTheHandler() throws Exception {
    var handler = JdbcIdempotentHandler.of(ds, "billing", this::recordEffect);
    Event<Payment> event = Payment.event("o-1", 100);
    handler.handle(event);
    handler.handle(event);
    handler.handle(event);
    assertThat(runs).hasValue(1);
    assertThat(effects()).isEqualTo(1);
  }

  @Test
  void aFailingHandlerRollsBackItsEffectAndTheDedupRowSoTheRedeliveryProcessesIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var handler =
        JdbcIdempotentHandler.<Payment>of(
            ds,
            "billing",
            (event, tx) -> {
              recordEffect(event, tx);
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("downstream rejected");
              }
            });
    Event<Payment> event = Payment.event("o-1", 100);
    assertThatThrownBy(() -> handler.handle(event)).hasMessage("downstream rejected");
    assertThat(effects()).isZero();
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_processed_events")).isZero();
    handler.handle(event);
    assertThat(effects()).isEqualTo(1);
  }

  @Test
  void differentConsumersEachProcessTheEvent() throws Exception {
    Event<Payment> event = Payment.event("o-1", 100);
    JdbcIdempotentHandler.of(ds, "billing", this::recordEffect).handle(event);
    JdbcIdempotentHandler.of(ds, "shipping", this::recordEffect).handle(event);
    assertThat(effects()).isEqualTo(2);
  }

  @Test
  void aCopyArrivingWhileTheFirstIsInItsTransactionWaitsAndIsThenAcknowledged() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    var handler = blockingHandler(inside, finish, Duration.ofSeconds(5));
    Event<Payment> event = Payment.event("o-1", 100);
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> handleUnchecked(handler, event));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> handleUnchecked(handler, event));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !copy.isDone());
    finish.countDown();
    first.get(10, TimeUnit.SECONDS);
    copy.get(10, TimeUnit.SECONDS);
    assertThat(runs).hasValue(1);
    assertThat(effects()).isEqualTo(1);
  }

  @Test
  void aCopyThatWaitsLongerThanTheLockTimeoutIsRetriedLater() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    var handler = blockingHandler(inside, finish, Duration.ofMillis(300));
    Event<Payment> event = Payment.event("o-1", 100);
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> handleUnchecked(handler, event));
    try {
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> handler.handle(event)).isInstanceOf(DuplicateInProgressException.class);
    } finally {
      finish.countDown();
    }
    first.get(10, TimeUnit.SECONDS);
    handler.handle(event);
    assertThat(runs).hasValue(1);
    assertThat(effects()).isEqualTo(1);
  }

  @Test
  void withPayloadCheckingTheSameIdWithADifferentPayloadIsPoison() throws Exception {
    var handler = JdbcIdempotentHandler.builder(ds, "billing", this::recordEffect).checkPayload(true).build();
    Event<Payment> event = Payment.event("o-1", 100);
    handler.handle(event);
    assertThatCode(() -> handler.handle(event.withSubject("x")))
        .as("same payload, other metadata: a true duplicate")
        .doesNotThrowAnyException();
    Event<Payment> tampered = new Event<>(event.id(), event.type(), event.source(), event.time(), null, null, null,
        null, new Payment("o-1", 999));
    assertThatThrownBy(() -> handler.handle(tampered))
        .isInstanceOf(NonRetryableException.class)
        .hasMessageContaining("duplicate event id with a different payload");
    JdbcIdempotentHandler.of(ds, "billing", this::recordEffect).handle(tampered);
    assertThat(effects()).isEqualTo(1);
  }

  /** Records the effect, signals {@code inside}, and holds its transaction open until {@code finish}. */
  private JdbcIdempotentHandler<Payment> blockingHandler(
      CountDownLatch inside, CountDownLatch finish, Duration lockTimeout) {
    return JdbcIdempotentHandler.<Payment>builder(
            ds,
            "billing",
            (event, tx) -> {
              recordEffect(event, tx);
              inside.countDown();
              finish.await(20, TimeUnit.SECONDS);
            })
        .lockTimeout(lockTimeout)
        .build();
  }

  private static void handleUnchecked(JdbcIdempotentHandler<Payment> handler, Event<Payment> event) {
    try {
      handler.handle(event);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
