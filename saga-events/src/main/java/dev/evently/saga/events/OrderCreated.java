package dev.evently.saga.events;

import java.math.BigDecimal;

/** An order was placed and is PENDING: the customer service must try to reserve its total. */
public record OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {
  /** The CloudEvents {@code type} (and {@code event-type} attribute) of this event. */
  public static final String TYPE = "dev.evently.saga.order.created";

  public OrderCreated {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    SagaEvents.requireTotal(orderTotal, "orderTotal");
  }
}
