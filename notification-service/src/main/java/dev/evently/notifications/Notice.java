package dev.evently.notifications;

import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.SagaEvents;
import java.util.Optional;

/**
 * What to tell a customer about a credit reply, decided from the reply alone and what the order's
 * timeline already holds. Pure; the caller stores the result at most once per order.
 *
 * @param kind {@link #APPROVED} or {@link #REJECTED}
 * @param message the text "sent" to the customer
 */
record Notice(String kind, String message) {
  static final String APPROVED = "ORDER_APPROVED";
  static final String REJECTED = "ORDER_REJECTED";

  /**
   * The notice for saga event {@code data}, if any.
   *
   * <ul>
   *   <li>{@link CustomerCreditReserved}: the order is approved, unless the order was cancelled
   *       before the reply was made ({@code cancelledBefore}), in which case the order service
   *       ignores the reply (the order is CANCELLED, not APPROVED).
   *   <li>{@link CustomerCreditReservationFailed}: the order is rejected, with the reason; except
   *       the reason {@link SagaEvents#REASON_ORDER_CANCELLED} (the cancellation reached the
   *       customer service first: nothing was decided) and, as above, a reply made after the
   *       order's cancellation.
   *   <li>anything else (OrderCreated, OrderCancelled): none.
   * </ul>
   *
   * @param cancelledBefore whether the timeline holds an OrderCancelled of this order whose time
   *     is not after the reply's
   */
  static Optional<Notice> of(Object data, boolean cancelledBefore) {
    if (cancelledBefore) {
      return Optional.empty();
    }
    if (data instanceof CustomerCreditReserved reserved) {
      return Optional.of(new Notice(APPROVED, "Your order " + reserved.orderId() + " was approved."));
    }
    if (data instanceof CustomerCreditReservationFailed failed
        && !SagaEvents.REASON_ORDER_CANCELLED.equals(failed.reason())) {
      return Optional.of(new Notice(REJECTED, "Your order " + failed.orderId() + " was rejected: " + failed.reason() + "."));
    }
    return Optional.empty();
  }

  /** Whether {@code data} is a credit reply (the events a notice can come from). */
  static boolean isReply(Object data) {
    return data instanceof CustomerCreditReserved || data instanceof CustomerCreditReservationFailed;
  }
}
