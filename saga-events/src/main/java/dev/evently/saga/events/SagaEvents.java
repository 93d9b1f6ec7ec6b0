package dev.evently.saga.events;

import java.util.List;

/**
 * The order/credit saga's vocabulary: the event records, their type names (the {@code event-type}
 * attribute that subscriptions filter on), and the default topic and queue names of {@code
 * infra/topology.yaml}.
 */
public final class SagaEvents {
  /** Every saga event record, each registered under its simple name (= its {@code TYPE}). */
  public static final List<Class<? extends Record>> ALL =
      List.of(
          OrderCreated.class,
          OrderCancelled.class,
          CustomerCreditReserved.class,
          CustomerCreditReservationFailed.class);

  /** The topic the order service publishes OrderCreated and OrderCancelled to. */
  public static final String ORDER_EVENTS_TOPIC = "order-events";
  /** The topic the customer service publishes its credit replies to. */
  public static final String CUSTOMER_EVENTS_TOPIC = "customer-events";
  /** The customer service's queue, subscribed to {@link #ORDER_EVENTS_TOPIC}. */
  public static final String CUSTOMER_QUEUE = "customer-service";
  /** The order service's queue, subscribed to {@link #CUSTOMER_EVENTS_TOPIC}. */
  public static final String ORDER_QUEUE = "order-service";

  /** Reason of a failed reservation: the customer does not exist. */
  public static final String REASON_UNKNOWN_CUSTOMER = "unknown customer";
  /** Reason of a failed reservation: the order total exceeds the available credit. */
  public static final String REASON_LIMIT_EXCEEDED = "credit limit exceeded";
  /** Reason of a failed reservation: the order was cancelled before it was created here. */
  public static final String REASON_ORDER_CANCELLED = "order cancelled";

  private SagaEvents() {}

  static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
