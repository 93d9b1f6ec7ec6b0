package dev.evently.event;

import java.util.Objects;

/**
 * What {@link EventCodec#decode(String, java.util.Map, java.time.Instant)} made of a message.
 *
 * @param event the event; its {@code time} is always set
 * @param timeDerived true when the event carried no {@code time} (it is optional in CloudEvents)
 *     and {@code event.time()} is the time the messaging system gives instead: the SNS
 *     notification's {@code Timestamp}, else the SQS message's sent time, else the time of
 *     decoding
 */
public record DecodedEvent(Event<?> event, boolean timeDerived) {
  public DecodedEvent {
    Objects.requireNonNull(event, "event must not be null");
  }
}
