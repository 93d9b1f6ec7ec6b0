package dev.evently.customers;

import dev.evently.consume.EventHandler;
import dev.evently.event.Event;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.service.ExactlyOnce;
import dev.evently.spring.EventlyHandler;
import org.springframework.stereotype.Component;

/**
 * The consumer of the service's queue ({@code service.consume-queue}, from {@code CUSTOMER_QUEUE}):
 * the order service's events, each applied exactly once by {@link CustomerService}. Returning
 * deletes the message; a thrown exception leaves it for redelivery (dead-lettered after the
 * queue's {@code maxReceiveCount}).
 */
@Component
class OrderEvents {
  private final EventHandler<OrderCreated> created;
  private final EventHandler<OrderCancelled> cancelled;

  OrderEvents(CustomerService customers, ExactlyOnce exactlyOnce) {
    this.created = exactlyOnce.of(customers::onOrderCreated);
    this.cancelled = exactlyOnce.of(customers::onOrderCancelled);
  }

  @EventlyHandler(queue = "${service.consume-queue}")
  void onOrderCreated(Event<OrderCreated> event) throws Exception {
    created.handle(event);
  }

  @EventlyHandler(queue = "${service.consume-queue}")
  void onOrderCancelled(Event<OrderCancelled> event) throws Exception {
    cancelled.handle(event);
  }
}
