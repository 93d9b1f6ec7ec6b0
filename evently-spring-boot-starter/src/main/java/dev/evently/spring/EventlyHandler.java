package dev.evently.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of one event type on one SQS queue. The starter builds one
 * {@link dev.evently.consume.SqsConsumer} per queue from all the methods naming it (tuned under
 * {@code evently.consumers.<queue>.*}) and starts it with the application context.
 *
 * <p>The method takes the event's data or the whole {@link dev.evently.event.Event}, optionally
 * followed by the {@link dev.evently.consume.Delivery} (receive count, last attempt, attributes):
 *
 * <pre>{@code
 * @EventlyHandler(queue = "customer-service")
 * void on(OrderCreated order) { ... }
 *
 * @EventlyHandler(queue = "customer-service")
 * void on(Event<OrderCancelled> event, Delivery delivery) { ... }
 * }</pre>
 *
 * <p>The contract is {@link dev.evently.consume.EventHandler}'s: return normally and the message is
 * deleted; throw and it is retried after a backoff, then dead-lettered after the queue's {@code
 * maxReceiveCount}; throw {@link dev.evently.consume.NonRetryableException} and it goes to the
 * dead-letter queue at once. SQS delivers at least once: the method must be idempotent. It is
 * called on the consumer's handler threads, up to {@code concurrency} calls at once, so the bean
 * must be thread-safe. One method per event type and queue; the data class must be a registered
 * event type (see {@link EventType}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventlyHandler {
  /** The queue's name (not URL); placeholders such as {@code ${app.queue}} are resolved. */
  String queue();
}
