package dev.evently.consume;

import dev.evently.event.Event;

/**
 * Handles one event of type {@code T} and sees how it was delivered: its SQS message id, receive
 * count, whether this is the last attempt, timestamps and message attributes. The same contract as
 * {@link EventHandler}: return normally and the message is deleted; throw and it is retried after
 * a backoff (dead-lettered after the queue's {@code maxReceiveCount}); throw {@link
 * NonRetryableException} and it goes to the dead-letter queue at once.
 *
 * <pre>{@code
 * .handle(OrderCreated.class, (event, delivery) -> {
 *   if (delivery.isLastAttempt()) { ... compensate instead of failing ... }
 *   reserveCredit(event.data());
 * })
 * }</pre>
 *
 * <p>Handlers may run concurrently on several threads and must be idempotent (SQS delivers at
 * least once).
 */
@FunctionalInterface
public interface DeliveryHandler<T> {
  void handle(Event<T> event, Delivery delivery) throws Exception;
}
