package dev.evently.saga.events;

/**
 * The customer service did not reserve the order's total; {@code reason} says why (see the
 * constants of {@link SagaEvents}). The order must be rejected.
 */
public record CustomerCreditReservationFailed(String orderId, String customerId, String reason) {
  public static final String TYPE = "CustomerCreditReservationFailed";

  public CustomerCreditReservationFailed {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    SagaEvents.requireText(reason, "reason", SagaEvents.MAX_REASON_LENGTH);
  }
}
