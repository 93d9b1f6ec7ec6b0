package dev.evently.saga.events;

/** An order was cancelled: any credit reserved for it must be released. */
public record OrderCancelled(String orderId, String customerId) {
  /** The CloudEvents {@code type} (and {@code event-type} attribute) of this event. */
  public static final String TYPE = "dev.evently.saga.order.cancelled";

  public OrderCancelled {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
  }
}
