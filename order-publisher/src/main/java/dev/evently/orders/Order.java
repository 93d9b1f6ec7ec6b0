package dev.evently.orders;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order as stored; {@code rejectionReason} is set only for REJECTED orders. {@code updatedAt}
 * is when it last changed state (for a final order: when the saga ended). {@code noteSha256} is
 * the hex SHA-256 of the note it was placed with (the note itself went out in its OrderCreated),
 * null without one.
 */
public record Order(
    String orderId,
    String customerId,
    BigDecimal orderTotal,
    OrderState state,
    String rejectionReason,
    Instant createdAt,
    Instant updatedAt,
    String noteSha256) {

  /** An order without a note. */
  public Order(String orderId, String customerId, BigDecimal orderTotal, OrderState state, String rejectionReason,
      Instant createdAt, Instant updatedAt) {
    this(orderId, customerId, orderTotal, state, rejectionReason, createdAt, updatedAt, null);
  }
}
