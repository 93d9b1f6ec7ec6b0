package dev.evently.notifications;

import static dev.evently.notifications.SagaEventsFixture.cancelled;
import static dev.evently.notifications.SagaEventsFixture.created;
import static dev.evently.notifications.SagaEventsFixture.failed;
import static dev.evently.notifications.SagaEventsFixture.reserved;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.Event;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's effects on a real database (H2, the service's own migrations and the library's
 * dedup table), without SQS: what the consumer's handler calls do, delivered twice, concurrently
 * and in any order.
 */
class NotificationServiceTest {
  private HikariDataSource dataSource;
  private NotificationStore store;
  private NotificationService service;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void database() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    config.setMaximumPoolSize(8);
    dataSource = new HikariDataSource(config);
    EventlyMigrations.migrate(dataSource);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/notifications")
        .table("notification_schema_history")
        .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    store = new NotificationStore(dataSource);
    service = new NotificationService(dataSource, store, meters, java.time.Clock.systemUTC());
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  @Test
  void anOrdersNoteIsOnTheTimelineAsItsSizeOnly() throws Exception {
    service.handle(SagaEventsFixture.createdWithNote("o-n", "c-n", "é".repeat(150_000), 0));
    service.handle(reserved("o-n", "c-n", 1));
    service.handle(created("o-plain", "c-n", 0));

    assertThat(store.timeline("o-n")).extracting(TimelineEntry::noteBytes).containsExactly(300_000, null);
    assertThat(store.timeline("o-plain")).extracting(TimelineEntry::noteBytes).containsExactly((Integer) null);
  }

  @Test
  void theSameEventTwiceMakesOneTimelineEntryAndOneNotification() throws Exception {
    Event<OrderCreated> created = created("o-1", "c-1", 0);
    Event<CustomerCreditReserved> reserved = reserved("o-1", "c-1", 1);

    service.handle(created);
    service.handle(reserved);
    service.handle(created);
    service.handle(reserved);

    assertThat(store.timeline("o-1")).extracting(TimelineEntry::eventId).containsExactly(created.id(), reserved.id());
    assertThat(store.notifications("c-1")).singleElement().satisfies(n -> {
      assertThat(n.orderId()).isEqualTo("o-1");
      assertThat(n.kind()).isEqualTo(Notice.APPROVED);
      assertThat(n.eventId()).isEqualTo(reserved.id());
    });
    assertThat(meters.counter("notifications.duplicates").count()).isEqualTo(2);
  }

  @Test
  void concurrentCopiesOfOneEventApplyOnce() throws Exception {
    Event<CustomerCreditReserved> reserved = reserved("o-2", "c-1", 1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Void>> copies = new ArrayList<>(Collections.nCopies(6, () -> {
        service.handle(reserved);
        return null;
      }));
      for (Future<Void> f : pool.invokeAll(copies)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.timeline("o-2")).hasSize(1);
    assertThat(store.notifications("c-1")).hasSize(1);
  }

  @Test
  void eventsArrivingOutOfOrderFormTheTimelineByEventTime() throws Exception {
    Event<OrderCreated> created = created("o-3", "c-1", 0);
    Event<CustomerCreditReserved> reserved = reserved("o-3", "c-1", 2);
    Event<OrderCancelled> cancelled = cancelled("o-3", "c-1", 5);

    service.handle(cancelled);
    service.handle(reserved);
    service.handle(created);

    assertThat(store.timeline("o-3")).extracting(TimelineEntry::type)
        .containsExactly(OrderCreated.TYPE, CustomerCreditReserved.TYPE, OrderCancelled.TYPE);
    assertThat(store.timeline("o-3")).extracting(TimelineEntry::source)
        .containsExactly("order-service", "customer-service", "order-service");
    // approved at 2 s, cancelled at 5 s: the customer was told of the approval
    assertThat(store.notifications("c-1")).extracting(Notification::kind).containsExactly(Notice.APPROVED);
  }

  @Test
  void aRejectionNotifiesWithItsReason() throws Exception {
    service.handle(failed("o-4", "c-2", SagaEvents.REASON_LIMIT_EXCEEDED, 1));
    service.handle(created("o-4", "c-2", 0));

    assertThat(store.notifications("c-2")).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(Notice.REJECTED);
      assertThat(n.message()).isEqualTo("Your order o-4 was rejected: credit limit exceeded.");
    });
  }

  @Test
  void aReplyMadeAfterTheCancellationNotifiesNobody() throws Exception {
    service.handle(created("o-5", "c-3", 0));
    service.handle(cancelled("o-5", "c-3", 1));
    service.handle(reserved("o-5", "c-3", 2));
    service.handle(created("o-6", "c-3", 0));
    service.handle(failed("o-6", "c-3", SagaEvents.REASON_ORDER_CANCELLED, 2));   // cancellation reached them first
    service.handle(cancelled("o-6", "c-3", 1));

    assertThat(store.timeline("o-5")).hasSize(3);
    assertThat(store.timeline("o-6")).hasSize(3);
    assertThat(store.notifications("c-3")).isEmpty();
  }

  @Test
  void aSecondReplyWithAnotherIdIsOnTheTimelineButNotifiesNoOneAgain() throws Exception {
    service.handle(reserved("o-7", "c-4", 1));
    service.handle(reserved("o-7", "c-4", 3));   // a republished reply: new id

    assertThat(store.timeline("o-7")).hasSize(2);
    assertThat(store.notifications("c-4")).hasSize(1);
  }

  @Test
  void unknownOrdersAndCustomersHaveNothing() throws Exception {
    assertThat(store.timeline("nope")).isEmpty();
    assertThat(store.notifications("nobody")).isEmpty();
  }
}
