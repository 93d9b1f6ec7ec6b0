package dev.evently.notifications;

import java.time.Instant;

/**
 * A notification "sent" to a customer (stored, not e-mailed): at most one per order.
 *
 * @param orderId the order it is about
 * @param kind {@code ORDER_APPROVED} or {@code ORDER_REJECTED}
 * @param message the text
 * @param eventId the credit reply it was made from
 * @param sentAt when it was stored
 */
public record Notification(String orderId, String kind, String message, String eventId, Instant sentAt) {}
