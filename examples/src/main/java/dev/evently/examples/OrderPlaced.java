package dev.evently.examples;

import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;

/**
 * The event of this example: an order was placed. Registered under an explicit CloudEvents type
 * (reverse-DNS), which is the {@code event-type} attribute that SNS subscriptions filter on.
 */
public record OrderPlaced(String orderId, String customerId, long totalCents) {
  public static final String TYPE = "com.example.order.placed";

  /** Every type this example publishes or consumes, and the codec over them. */
  public static final EventTypes TYPES = EventTypes.builder().register(TYPE, OrderPlaced.class).build();
  public static final EventCodec CODEC = EventCodec.of(TYPES);
}
