package dev.evently.saga.events;

/** The customer service reserved the order's total: the order may be approved. */
public record CustomerCreditReserved(String orderId, String customerId) {
  /** The CloudEvents {@code type} (and {@code event-type} attribute) of this event. */
  public static final String TYPE = "dev.evently.saga.customer.credit-reserved";

  public CustomerCreditReserved {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
  }
}
