package dev.evently.saga.events;

/** The customer service reserved the order's total: the order may be approved. */
public record CustomerCreditReserved(String orderId, String customerId) {
  public static final String TYPE = "CustomerCreditReserved";

  public CustomerCreditReserved {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
  }
}
