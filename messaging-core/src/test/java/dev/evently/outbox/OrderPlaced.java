package dev.evently.outbox;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;

/** A test payload. */
record OrderPlaced(String orderId, int line) {
  static final EventCodec CODEC = EventCodec.of(EventTypes.builder().register(OrderPlaced.class).build());

  static Event<OrderPlaced> event(String orderId, int line) {
    return Event.of("OrderPlaced", "orders", new OrderPlaced(orderId, line)).withSubject(orderId);
  }
}
