package dev.evently.notifications;

import dev.evently.event.Event;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Saga events as their producers make them: type, source, id and a time of our choosing. */
final class SagaEventsFixture {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private SagaEventsFixture() {}

  static Event<OrderCreated> created(String orderId, String customerId, int secondsAfterT0) {
    return event(OrderCreated.TYPE, "order-service", new OrderCreated(orderId, customerId, new BigDecimal("12.50")), secondsAfterT0);
  }

  static Event<OrderCreated> createdWithNote(String orderId, String customerId, String note, int secondsAfterT0) {
    return event(OrderCreated.TYPE, "order-service", new OrderCreated(orderId, customerId, new BigDecimal("12.50"), note),
        secondsAfterT0);
  }

  static Event<OrderCancelled> cancelled(String orderId, String customerId, int secondsAfterT0) {
    return event(OrderCancelled.TYPE, "order-service", new OrderCancelled(orderId, customerId), secondsAfterT0);
  }

  static Event<CustomerCreditReserved> reserved(String orderId, String customerId, int secondsAfterT0) {
    return event(CustomerCreditReserved.TYPE, "customer-service", new CustomerCreditReserved(orderId, customerId), secondsAfterT0);
  }

  static Event<CustomerCreditReservationFailed> failed(String orderId, String customerId, String reason, int secondsAfterT0) {
    return event(CustomerCreditReservationFailed.TYPE, "customer-service",
        new CustomerCreditReservationFailed(orderId, customerId, reason), secondsAfterT0);
  }

  private static <T> Event<T> event(String type, String source, T data, int secondsAfterT0) {
    return new Event<>(UUID.randomUUID().toString(), type, source, T0.plusSeconds(secondsAfterT0), null, null, null, null, data);
  }
}
