package dev.evently.notifications;

import dev.evently.event.Event;
import dev.evently.idempotency.JdbcIdempotentHandler;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Clock;
import java.util.Optional;
import dev.evently.service.ServiceSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Applies saga events: each one goes into its order's timeline, and a credit reply may notify the
 * customer ({@link Notice}).
 *
 * <p><b>Exactly once.</b> {@link #apply} runs in one database transaction with the event's dedup
 * row (consumer {@value NotificationApplication#SERVICE}, event id), through the library's {@link
 * JdbcIdempotentHandler}: a redelivered or duplicated event is acknowledged without effect, a
 * failure rolls everything back and the event is redelivered, a crash mid-way leaves nothing.
 * Notifications are at most one per order besides (a second reply with another id adds to the
 * timeline but notifies nobody).
 *
 * <p><b>Any order.</b> The timeline is read sorted by event time, so arrival order does not matter;
 * a reply made after the order's cancellation (by event time) notifies nobody, since the order
 * service ignores such a reply. A reply that arrives before an earlier cancellation cannot know of
 * it and notifies. Thread-safe.
 */
@Service
public class NotificationService {
  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);

  /** The ids of a saga event. */
  private record About(String orderId, String customerId) {}

  private final DataSource dataSource;
  private final NotificationStore store;
  private final MeterRegistry meters;
  private final Clock clock;

  @Autowired
  NotificationService(
      DataSource dataSource,
      NotificationStore store,
      MeterRegistry meters,
      ServiceSupport.EventlySchema migrated) {
    this(dataSource, store, meters, Clock.systemUTC());
  }

  NotificationService(DataSource dataSource, NotificationStore store, MeterRegistry meters, Clock clock) {
    this.dataSource = dataSource;
    this.store = store;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Applies {@code event} (one of the saga's four records) exactly once; see the class comment.
   * Returns normally when applied or already applied.
   *
   * @throws Exception a database failure: nothing was applied, the event must be redelivered
   */
  public void handle(Event<?> event) throws Exception {
    Applied applied = new Applied();
    @SuppressWarnings("unchecked")
    Event<Object> e = (Event<Object>) event;
    JdbcIdempotentHandler.<Object>of(dataSource, NotificationApplication.SERVICE, (ev, tx) -> apply(ev, tx, applied))
        .handle(e);
    if (applied.timeline) {
      meters.counter("notifications.timeline.events", "type", event.type()).increment();
    } else {
      meters.counter("notifications.duplicates").increment();
    }
    applied.notice.ifPresent(n -> meters.counter("notifications.sent", "kind", n.kind()).increment());
  }

  /** What one transaction did, for the meters once it committed. */
  private static final class Applied {
    boolean timeline;
    Optional<Notice> notice = Optional.empty();
  }

  private void apply(Event<Object> event, Connection tx, Applied applied) throws Exception {
    About about = about(event.data());
    store.addToTimeline(tx, about.orderId(), about.customerId(),
        new TimelineEntry(event.type(), event.time(), event.source(), event.id(), noteBytes(event.data())),
        clock.instant());
    applied.timeline = true;
    if (!Notice.isReply(event.data()) || store.notified(tx, about.orderId())) {
      return;
    }
    boolean cancelledBefore = store.hasEventAtOrBefore(tx, about.orderId(), OrderCancelled.TYPE, event.time());
    Optional<Notice> notice = Notice.of(event.data(), cancelledBefore);
    if (notice.isPresent()) {
      store.addNotification(tx, about.customerId(), new Notification(
          about.orderId(), notice.get().kind(), notice.get().message(), event.id(), clock.instant()));
      applied.notice = notice;
      log.info("order {}: {} sent to customer {}", about.orderId(), notice.get().kind(), about.customerId());
    }
  }

  /** The UTF-8 size of an OrderCreated's note (null without one). */
  private static Integer noteBytes(Object data) {
    return data instanceof OrderCreated e && e.note() != null
        ? e.note().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        : null;
  }

  private static About about(Object data) {
    if (data instanceof OrderCreated e) {
      return new About(e.orderId(), e.customerId());
    }
    if (data instanceof OrderCancelled e) {
      return new About(e.orderId(), e.customerId());
    }
    if (data instanceof CustomerCreditReserved e) {
      return new About(e.orderId(), e.customerId());
    }
    if (data instanceof CustomerCreditReservationFailed e) {
      return new About(e.orderId(), e.customerId());
    }
    throw new IllegalArgumentException("not a saga event: " + data.getClass().getName());
  }
}
