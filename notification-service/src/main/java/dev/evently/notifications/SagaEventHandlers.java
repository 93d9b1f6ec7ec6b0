package dev.evently.notifications;

import dev.evently.event.Event;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.spring.EventlyHandler;
import org.springframework.stereotype.Component;

/**
 * The consumer of the service's queue ({@code notification.queue}, from {@code
 * NOTIFICATION_QUEUE}): the four saga events, from both topics, each applied by {@link
 * NotificationService#handle}. Returning deletes the message; a thrown exception leaves it for
 * redelivery (dead-lettered after the queue's {@code maxReceiveCount}).
 */
@Component
class SagaEventHandlers {
  private final NotificationService notifications;

  SagaEventHandlers(NotificationService notifications) {
    this.notifications = notifications;
  }

  @EventlyHandler(queue = "${notification.queue}")
  void onOrderCreated(Event<OrderCreated> event) throws Exception {
    notifications.handle(event);
  }

  @EventlyHandler(queue = "${notification.queue}")
  void onOrderCancelled(Event<OrderCancelled> event) throws Exception {
    notifications.handle(event);
  }

  @EventlyHandler(queue = "${notification.queue}")
  void onCreditReserved(Event<CustomerCreditReserved> event) throws Exception {
    notifications.handle(event);
  }

  @EventlyHandler(queue = "${notification.queue}")
  void onCreditReservationFailed(Event<CustomerCreditReservationFailed> event) throws Exception {
    notifications.handle(event);
  }
}
