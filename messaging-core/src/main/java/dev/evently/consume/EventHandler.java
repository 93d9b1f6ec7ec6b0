package dev.evently.consume;

import dev.evently.event.Event;

/**
 * Handles one event of type {@code T}.
 *
 * <p>Returning normally means the event is done: its message is deleted from the queue. Throwing
 * means it is not: the message stays on the queue and is delivered again after a backoff, until
 * the queue's {@code maxReceiveCount} moves it to the dead-letter queue. Throw {@link
 * NonRetryableException} for an event that can never succeed; it goes to the dead-letter queue at
 * once with the reason attached.
 *
 * <p>SQS delivers at least once, so a handler may see the same event (same {@link Event#id()})
 * more than once, and events out of order; it must be idempotent. Handlers may run concurrently
 * on several threads.
 */
@FunctionalInterface
public interface EventHandler<T> {
  void handle(Event<T> event) throws Exception;
}
