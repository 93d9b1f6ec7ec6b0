package dev.evently.notifications;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One event about an order, as the timeline shows it.
 *
 * @param type the CloudEvents type, e.g. {@code dev.evently.saga.order.created}
 * @param time when the event happened (its CloudEvents {@code time}, set by its producer)
 * @param source the producing service (CloudEvents {@code source})
 * @param eventId the CloudEvents id
 * @param noteBytes the UTF-8 size of an OrderCreated's note, null for other events and orders
 *     without one (then left out of the JSON); the note itself is not kept here. A note large
 *     enough came through the S3 claim-check: this proves it arrived whole
 */
public record TimelineEntry(
    String type, Instant time, String source, String eventId, @JsonInclude(JsonInclude.Include.NON_NULL) Integer noteBytes) {

  /** An entry without a note. */
  public TimelineEntry(String type, Instant time, String source, String eventId) {
    this(type, time, source, eventId, null);
  }
}
