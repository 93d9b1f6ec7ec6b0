package dev.evently.saga.events;

/** An order was cancelled: any credit reserved for it must be released. */
public record OrderCancelled(String orderId, String customerId) {
  public static final String TYPE = "OrderCancelled";

  public OrderCancelled {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
  }
}
