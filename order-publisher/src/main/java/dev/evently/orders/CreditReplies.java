package dev.evently.orders;

import dev.evently.consume.EventHandler;
import dev.evently.event.Event;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.service.ExactlyOnce;
import dev.evently.spring.EventlyHandler;
import org.springframework.stereotype.Component;

/**
 * The consumer of the service's queue ({@code service.consume-queue}, from {@code ORDER_QUEUE}):
 * the customer service's credit replies, each applied exactly once by {@link OrderService}.
 * Returning deletes the message; a thrown exception leaves it for redelivery (dead-lettered after
 * the queue's {@code maxReceiveCount}).
 */
@Component
class CreditReplies {
  private final EventHandler<CustomerCreditReserved> reserved;
  private final EventHandler<CustomerCreditReservationFailed> failed;

  CreditReplies(OrderService orders, ExactlyOnce exactlyOnce) {
    this.reserved = exactlyOnce.of(orders::onCreditReserved);
    this.failed = exactlyOnce.of(orders::onCreditReservationFailed);
  }

  @EventlyHandler(queue = "${service.consume-queue}")
  void onCreditReserved(Event<CustomerCreditReserved> event) throws Exception {
    reserved.handle(event);
  }

  @EventlyHandler(queue = "${service.consume-queue}")
  void onCreditReservationFailed(Event<CustomerCreditReservationFailed> event) throws Exception {
    failed.handle(event);
  }
}
