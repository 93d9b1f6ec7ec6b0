package dev.evently.consume;

import dev.evently.event.Event;
import java.util.List;

/**
 * Handles several events of type {@code T} in one call, e.g. to write them with one multi-row
 * insert. Register it with {@link SqsConsumer.Builder#handleBatch(Class, int, BatchHandler)}.
 *
 * <p>The list holds 1 to {@code maxBatchSize} events, in the order they were received; it is
 * formed from the messages of that type waiting for a handler when a handler slot frees, so a
 * batch is never held back to fill up (low latency when idle, full batches under load). A batch
 * call counts as one of the consumer's {@code concurrency} handler slots.
 *
 * <p>Results are per event: return {@link BatchResult#success()} when every event is done (all
 * their messages are deleted), or a {@link BatchResult} that lists the events that failed: each
 * failed event is retried on its own with its own backoff (or goes to the dead-letter queue at once
 * when its cause is a {@link NonRetryableException}), and every other event of the batch is
 * deleted. Throwing from the handler fails every event of the batch (all are retried).
 *
 * <p>On a FIFO queue a batch holds messages of one message group, in order; when an event fails,
 * the events after it in the batch are not deleted even if they succeeded: they are made visible
 * again so that SQS redelivers them after the failed one, which keeps the group's order (the
 * handler sees them again and must be idempotent, as always).
 */
@FunctionalInterface
public interface BatchHandler<T> {
  BatchResult handle(List<Event<T>> events) throws Exception;
}
