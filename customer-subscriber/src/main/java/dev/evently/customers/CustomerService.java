package dev.evently.customers;

import dev.evently.customers.CustomerRepository.Reservation;
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
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer side of the saga: reserves and releases credit.
 *
 * <p>Each order has at most one reservation row, whatever the order of its events: the first of
 * OrderCreated / OrderCancelled to arrive writes it, so a second OrderCreated (a duplicate with a
 * new id, or one arriving after its cancellation) never reserves twice, and a cancellation that
 * arrives first leaves a tombstone that stops the later creation from reserving. The event
 * handlers run inside the idempotent consumer's transaction; replies go to the outbox in that same
 * transaction. Thread-safe.
 */
final class CustomerService {
  static final String SOURCE = "customer-service";
  private static final EventTypes TYPES = ServiceSupport.eventTypes(SagaEvents.TYPES);
  private static final Logger log = LoggerFactory.getLogger(CustomerService.class);

  private final DataSource dataSource;
  private final EventSink outbox;
  private final String customerEventsPublisher;
  private final CustomerRepository repository = new CustomerRepository();
  private final MeterRegistry meters;

  CustomerService(
      DataSource dataSource, EventSink outbox, String customerEventsPublisher, MeterRegistry meters) {
    this.dataSource = dataSource;
    this.outbox = outbox;
    this.customerEventsPublisher = customerEventsPublisher;
    this.meters = meters;
  }

  /**
   * Creates a customer whose available credit is its whole {@code creditLimit}.
   *
   * <p>With an {@code idempotencyKey} (null for none) the key is recorded in the same transaction,
   * so a key exists if and only if its customer does; see {@link IdempotencyKey#createOnce}. A key
   * already recorded creates nothing: the result is its customer as created (available credit =
   * credit limit), REPLAYED when {@code name} and {@code creditLimit} are the same (limits compared
   * by value), else KEY_REUSED. Racing requests with one key create one customer.
   */
  IdempotencyKey.Result<Customer> create(String name, BigDecimal creditLimit, String idempotencyKey) {
    IdempotencyKey.Result<Customer> created = IdempotencyKey.createOnce(
        dataSource,
        idempotencyKey,
        repository::findCreatedByKey,
        earlier -> earlier.name().equals(name) && earlier.creditLimit().compareTo(creditLimit) == 0,
        tx -> {
          String id = UUID.randomUUID().toString();
          repository.insertCustomer(tx, id, name, creditLimit);
          if (idempotencyKey != null) {
            repository.insertKey(tx, idempotencyKey, id);
          }
          return new Customer(id, name, creditLimit, creditLimit);
        });
    Customer customer = created.value();
    if (created.outcome() == IdempotencyKey.Outcome.CREATED) {
      log.info("customer {} created with credit limit {}", customer.customerId(), creditLimit);
    } else {
      meters.counter("customers.idempotency.hits", "outcome", created.outcome().name()).increment();
      log.info("customer request with a known idempotency key: {} customer {}", created.outcome(), customer.customerId());
    }
    return created;
  }

  Optional<Customer> find(String customerId) {
    return Transactions.inTransaction(dataSource, tx -> repository.findCustomer(tx, customerId));
  }

  /** OrderCreated: reserve the total and reply, unless this order already has a reservation row. */
  void onOrderCreated(Event<OrderCreated> event, Connection tx) throws Exception {
    OrderCreated order = event.data();
    Optional<Customer> customer = repository.lockCustomer(tx, order.customerId());
    Optional<Reservation> existing = repository.lockReservation(tx, order.orderId());
    if (existing.isPresent()) {
      if (existing.get().state() == ReservationState.CANCELLED_BEFORE_CREATE) {
        log.info("order {} was cancelled before it was created here: not reserving", order.orderId());
        reply(tx, event, fail(order, SagaEvents.REASON_ORDER_CANCELLED));
      } else {
        log.info("order {} already has reservation {}: ignored", order.orderId(), existing.get().state());
      }
      return;
    }
    if (customer.isEmpty()) {
      reject(tx, event, SagaEvents.REASON_UNKNOWN_CUSTOMER);
    } else if (customer.get().availableCredit().compareTo(order.orderTotal()) < 0) {
      reject(tx, event, SagaEvents.REASON_LIMIT_EXCEEDED);
    } else {
      repository.insertReservation(
          tx,
          new Reservation(
              order.orderId(), order.customerId(), order.orderTotal(), ReservationState.RESERVED, null));
      reply(tx, event, new CustomerCreditReserved(order.orderId(), order.customerId()));
      meters.counter("credit.reservations", "outcome", "reserved").increment();
      log.info("reserved {} for order {} of customer {}", order.orderTotal(), order.orderId(), order.customerId());
    }
  }

  /** OrderCancelled: release a RESERVED reservation, or leave a tombstone if none exists yet. */
  void onOrderCancelled(Event<OrderCancelled> event, Connection tx) throws Exception {
    OrderCancelled cancelled = event.data();
    Optional<Reservation> existing = repository.lockReservation(tx, cancelled.orderId());
    if (existing.isEmpty()) {
      repository.insertReservation(
          tx,
          new Reservation(
              cancelled.orderId(),
              cancelled.customerId(),
              BigDecimal.ZERO,
              ReservationState.CANCELLED_BEFORE_CREATE,
              SagaEvents.REASON_ORDER_CANCELLED));
      log.info("order {} cancelled before its creation arrived: tombstone written", cancelled.orderId());
    } else if (existing.get().state() == ReservationState.RESERVED) {
      repository.updateReservation(tx, cancelled.orderId(), ReservationState.RELEASED);
      meters.counter("credit.reservations", "outcome", "released").increment();
      log.info("released {} for cancelled order {}", existing.get().amount(), cancelled.orderId());
    } else {
      log.info("order {} cancelled, reservation is {}: nothing to release", cancelled.orderId(), existing.get().state());
    }
  }

  private void reject(Connection tx, Event<OrderCreated> event, String reason) throws Exception {
    OrderCreated order = event.data();
    repository.insertReservation(
        tx,
        new Reservation(order.orderId(), order.customerId(), order.orderTotal(), ReservationState.REJECTED, reason));
    reply(tx, event, fail(order, reason));
    meters.counter("credit.reservations", "outcome", "rejected").increment();
    log.info("order {} of customer {} not reserved: {}", order.orderId(), order.customerId(), reason);
  }

  private static CustomerCreditReservationFailed fail(OrderCreated order, String reason) {
    return new CustomerCreditReservationFailed(order.orderId(), order.customerId(), reason);
  }

  /** The reply {@code data} to {@code cause}: same flow (correlation), caused by it, about its order. */
  private void reply(Connection tx, Event<OrderCreated> cause, Record data) throws Exception {
    Event<?> reply = TYPES.event(SOURCE, data).withSubject(cause.data().orderId()).causedBy(cause);
    outbox.publish(tx, customerEventsPublisher, reply);
  }
}
