package dev.evently.orders;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order as stored; {@code rejectionReason} is set only for REJECTED orders. {@code updatedAt}
 * is when it last changed state (for a final order: when the saga ended).
 */
public record Order(
    String orderId,
    String customerId,
    BigDecimal orderTotal,
    OrderState state,
    String rejectionReason,
    Instant createdAt,
    Instant updatedAt) {}
