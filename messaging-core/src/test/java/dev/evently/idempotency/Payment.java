package dev.evently.idempotency;

import dev.evently.event.Event;

/** A test payload. */
record Payment(String orderId, long cents) {
  static Event<Payment> event(String orderId, long cents) {
    return Event.of("PaymentReceived", "billing", new Payment(orderId, cents));
  }
}
