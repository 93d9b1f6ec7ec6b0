package dev.evently.orders;

import dev.evently.event.Event;
import dev.evently.event.EventTypes;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.EventSink;
import dev.evently.service.IdempotencyKey;
import dev.evently.service.ServiceSupport;
import dev.evently.service.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order side of the saga. Every state change and the event it emits commit together (the
 * event goes through the outbox in the same transaction).
 *
 * <p>Credit replies move only PENDING orders; a reply for an order in any other state is a
 * duplicate or a late reply (the order was cancelled meanwhile) and is ignored, so duplicated and
 * reordered deliveries never change an outcome. Thread-safe.
 */
final class OrderService {
  static final String SOURCE = "order-service";
  private static final EventTypes TYPES = ServiceSupport.eventTypes(SagaEvents.TYPES);
  private static final Logger log = LoggerFactory.getLogger(OrderService.class);

  /** What a cancel request found: the order after the attempt, and whether it was cancelled now. */
  record CancelOutcome(Order order, boolean cancelled) {}

  private final DataSource dataSource;
  private final EventSink outbox;
  private final String orderEventsPublisher;
  private final OrderRepository orders = new OrderRepository();
  private final MeterRegistry meters;

  OrderService(DataSource dataSource, EventSink outbox, String orderEventsPublisher, MeterRegistry meters) {
    this.dataSource = dataSource;
    this.outbox = outbox;
    this.orderEventsPublisher = orderEventsPublisher;
    this.meters = meters;
  }

  /**
   * Creates a PENDING order and emits OrderCreated, atomically.
   *
   * <p>With an {@code idempotencyKey} (null for none) the key is recorded in the same transaction,
   * so a key exists if and only if its order and OrderCreated do; see {@link
   * IdempotencyKey#createOnce}. A key already recorded creates nothing and emits nothing: the
   * result is its order, REPLAYED when {@code customerId}, {@code orderTotal} and {@code note} are
   * the same (totals compared by value: 60 equals 60.00; notes by SHA-256), else KEY_REUSED.
   * Racing requests with one key create one order.
   *
   * <p>{@code note} (null for none) goes out in the OrderCreated only; a long one makes it a large
   * event, which the relay's publisher stores in S3 and publishes as a pointer when the service
   * runs with a payload bucket ({@code docs/LARGE-EVENTS.md}).
   */
  IdempotencyKey.Result<Order> place(String customerId, BigDecimal orderTotal, String note, String idempotencyKey) {
    String noteSha256 = note == null ? null : sha256(note);
    IdempotencyKey.Result<Order> placed = IdempotencyKey.createOnce(
        dataSource,
        idempotencyKey,
        orders::findByKey,
        earlier -> earlier.customerId().equals(customerId) && earlier.orderTotal().compareTo(orderTotal) == 0
            && java.util.Objects.equals(earlier.noteSha256(), noteSha256),
        tx -> {
          Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
          Order order =
              new Order(UUID.randomUUID().toString(), customerId, orderTotal, OrderState.PENDING, null, now, now,
                  noteSha256);
          orders.insert(tx, order);
          if (idempotencyKey != null) {
            orders.insertKey(tx, idempotencyKey, order.orderId(), now);
          }
          emit(tx, order.orderId(), new OrderCreated(order.orderId(), customerId, orderTotal, note));
          return order;
        });
    Order order = placed.value();
    if (placed.outcome() == IdempotencyKey.Outcome.CREATED) {
      meters.counter("orders.placed").increment();
      log.info("order {} placed: customer {}, total {}{}", order.orderId(), customerId, orderTotal,
          note == null ? "" : ", with a note"); // never the note: it is the customer's text
    } else {
      meters.counter("orders.idempotency.hits", "outcome", placed.outcome().name()).increment();
      log.info("order request with a known idempotency key: {} order {}", placed.outcome(), order.orderId());
    }
    return placed;
  }

  Optional<Order> find(String orderId) {
    return Transactions.inTransaction(dataSource, tx -> orders.find(tx, orderId));
  }

  /**
   * Cancels a PENDING or APPROVED order and emits OrderCancelled, atomically; empty if there is
   * no such order. An order in another state is returned unchanged with {@code cancelled} false.
   */
  Optional<CancelOutcome> cancel(String orderId) {
    Optional<CancelOutcome> outcome =
        Transactions.inTransaction(
            dataSource,
            tx -> {
              Optional<Order> found = orders.findForUpdate(tx, orderId);
              if (found.isEmpty()) {
                return Optional.empty();
              }
              Order order = found.get();
              if (!order.state().cancellable()) {
                return Optional.of(new CancelOutcome(order, false));
              }
              Order cancelled = transition(tx, order, OrderState.CANCELLED, null);
              emit(tx, orderId, new OrderCancelled(orderId, order.customerId()));
              return Optional.of(new CancelOutcome(cancelled, true));
            });
    outcome
        .filter(CancelOutcome::cancelled)
        .ifPresent(o -> log.info("order {} cancelled", orderId));
    return outcome;
  }

  /** CustomerCreditReserved: a PENDING order becomes APPROVED; anything else is ignored. */
  void onCreditReserved(Event<CustomerCreditReserved> event, Connection tx) throws Exception {
    reply(tx, event.data().orderId(), OrderState.APPROVED, null);
  }

  /** CustomerCreditReservationFailed: a PENDING order becomes REJECTED; anything else is ignored. */
  void onCreditReservationFailed(Event<CustomerCreditReservationFailed> event, Connection tx)
      throws Exception {
    reply(tx, event.data().orderId(), OrderState.REJECTED, event.data().reason());
  }

  private void reply(Connection tx, String orderId, OrderState outcome, String reason) throws Exception {
    Optional<Order> found = orders.findForUpdate(tx, orderId);
    if (found.isEmpty()) {
      log.warn("credit reply for unknown order {} ignored", orderId);
      meters.counter("orders.replies.ignored", "reason", "unknown-order").increment();
      return;
    }
    Order order = found.get();
    if (order.state() != OrderState.PENDING) {
      log.info("credit reply {} for order {} in state {} ignored", outcome, orderId, order.state());
      meters.counter("orders.replies.ignored", "reason", "not-pending").increment();
      return;
    }
    Order done = transition(tx, order, outcome, reason);
    meters
        .timer("orders.saga.duration", "outcome", outcome.name())
        .record(Duration.between(order.createdAt(), done.updatedAt()));
    log.info("order {} {}{}", orderId, outcome, reason == null ? "" : ": " + reason);
  }

  private Order transition(Connection tx, Order order, OrderState state, String reason) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    orders.updateState(tx, order.orderId(), state, reason, now);
    meters.counter("orders.transitions", "to", state.name()).increment();
    return new Order(
        order.orderId(), order.customerId(), order.orderTotal(), state, reason, order.createdAt(), now);
  }

  private static String sha256(String note) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(note.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Emits {@code data} about {@code orderId}; the order id is the saga's correlation id. */
  private void emit(Connection tx, String orderId, Record data) throws Exception {
    Event<?> event = TYPES.event(SOURCE, data).withSubject(orderId).withCorrelationId(orderId);
    outbox.publish(tx, orderEventsPublisher, event);
  }
}
