package dev.evently.saga.events;

/**
 * The customer service did not reserve the order's total; {@code reason} says why (see the
 * constants of {@link SagaEvents}). The order must be rejected.
 */
public record CustomerCreditReservationFailed(String orderId, String customerId, String reason) {
  /** The CloudEvents {@code type} (and {@code event-type} attribute) of this event. */
  public static final String TYPE = "dev.evently.saga.customer.credit-reservation-failed";

  public CustomerCreditReservationFailed {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    SagaEvents.requireText(reason, "reason", SagaEvents.MAX_REASON_LENGTH);
  }
}
