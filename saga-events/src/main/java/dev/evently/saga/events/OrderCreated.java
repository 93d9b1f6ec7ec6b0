package dev.evently.saga.events;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.math.BigDecimal;

/**
 * An order was placed and is PENDING: the customer service must try to reserve its total.
 *
 * <p>{@code note} is the customer's free text, optional (null when absent, and then left out of
 * the JSON): an event written before it existed, or by a producer that does not know it, still
 * decodes. A long note makes the event large (up to {@link SagaEvents#MAX_NOTE_BYTES}): over the
 * topic's size it travels through the S3 claim-check ({@code docs/LARGE-EVENTS.md}).
 */
public record OrderCreated(
    String orderId,
    String customerId,
    BigDecimal orderTotal,
    // optional although the codec requires every creator property: an optional injection counts as present
    @JacksonInject(useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE) @JsonInclude(JsonInclude.Include.NON_NULL)
        String note) {
  /** The CloudEvents {@code type} (and {@code event-type} attribute) of this event. */
  public static final String TYPE = "dev.evently.saga.order.created";

  public OrderCreated {
    SagaEvents.requireText(orderId, "orderId");
    SagaEvents.requireText(customerId, "customerId");
    SagaEvents.requireTotal(orderTotal, "orderTotal");
    SagaEvents.requireNote(note, "note");
  }

  /** An order without a note. */
  public OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {
    this(orderId, customerId, orderTotal, null);
  }
}
