package dev.evently.notifications;

import java.time.Instant;

/**
 * One event about an order, as the timeline shows it.
 *
 * @param type the CloudEvents type, e.g. {@code dev.evently.saga.order.created}
 * @param time when the event happened (its CloudEvents {@code time}, set by its producer)
 * @param source the producing service (CloudEvents {@code source})
 * @param eventId the CloudEvents id
 */
public record TimelineEntry(String type, Instant time, String source, String eventId) {}
