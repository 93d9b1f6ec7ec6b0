package dev.evently.saga.events;

import java.math.BigDecimal;

/** An order was placed and is PENDING: the customer service must try to reserve its total. */
public record OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {
  public static final String TYPE = "OrderCreated";

  public OrderCreated {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    if (orderTotal == null || orderTotal.signum() <= 0) {
      throw new IllegalArgumentException("orderTotal must be > 0");
    }
  }
}
