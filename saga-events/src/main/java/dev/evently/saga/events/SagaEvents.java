package dev.evently.saga.events;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The order/credit saga's vocabulary: the event records, their type names (the CloudEvents {@code
 * type} and the {@code event-type} attribute that subscriptions filter on), and the default topic and queue names of {@code
 * infra/topology.yaml}.
 */
public final class SagaEvents {
  /**
   * Every saga event record by its type name (its {@code TYPE}: reverse-DNS, e.g. {@code
   * dev.evently.saga.order.created}), in a fixed order. Register exactly these names: {@code
   * infra/topology.yaml} filters on them.
   */
  public static final Map<String, Class<? extends Record>> TYPES = types();

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

  /** The longest id (order or customer) an event may carry; the services store ids in 100 characters. */
  public static final int MAX_ID_LENGTH = 100;
  /** The longest rejection reason an event may carry. */
  public static final int MAX_REASON_LENGTH = 200;
  /** The largest order total; the services store totals as NUMERIC(14, 2). */
  public static final BigDecimal MAX_TOTAL = new BigDecimal("1000000000");

  /**
   * The longest note an order may carry, in UTF-8 bytes (900 KiB): more than SNS's 256 KiB, so an
   * order with a long note is a large event; less than the codec's 1 MiB limit with its envelope.
   */
  public static final int MAX_NOTE_BYTES = 900 * 1024;

  private SagaEvents() {}

  private static Map<String, Class<? extends Record>> types() {
    Map<String, Class<? extends Record>> types = new LinkedHashMap<>();
    types.put(OrderCreated.TYPE, OrderCreated.class);
    types.put(OrderCancelled.TYPE, OrderCancelled.class);
    types.put(CustomerCreditReserved.TYPE, CustomerCreditReserved.class);
    types.put(CustomerCreditReservationFailed.TYPE, CustomerCreditReservationFailed.class);
    return Collections.unmodifiableMap(types);
  }

  /**
   * Ids must be non-blank, at most {@link #MAX_ID_LENGTH} characters and free of control characters
   * (a logged line break would forge log lines): an event that breaks this
   * is refused when it is decoded (and dead-lettered as invalid data) instead of failing in the
   * database on every redelivery.
   */
  static void requireText(String value, String field) {
    requireText(value, field, MAX_ID_LENGTH);
  }

  static void requireText(String value, String field, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(field + " must not contain control characters");
    }
  }

  /** A note is optional (null); when present, at most {@link #MAX_NOTE_BYTES} UTF-8 bytes. */
  static void requireNote(String note, String field) {
    if (note != null && note.length() > MAX_NOTE_BYTES / 3
        && note.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_NOTE_BYTES + " bytes (UTF-8)");
    }
  }

  static void requireTotal(BigDecimal total, String field) {
    if (total == null || total.signum() <= 0) {
      throw new IllegalArgumentException(field + " must be > 0");
    }
    if (total.compareTo(MAX_TOTAL) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_TOTAL.toPlainString());
    }
    if (total.stripTrailingZeros().scale() > 2) {
      throw new IllegalArgumentException(field + " must have at most 2 decimal places");
    }
  }
}
