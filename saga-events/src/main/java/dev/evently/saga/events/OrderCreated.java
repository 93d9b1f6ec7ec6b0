package dev.evently.saga.events;

import java.math.BigDecimal;

/** An order was placed and is PENDING: the customer service must try to reserve its total. */
public record OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {
  public static final String TYPE = "OrderCreated";

  public OrderCreated {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    SagaEvents.requireTotal(orderTotal, "orderTotal");
  }
}
