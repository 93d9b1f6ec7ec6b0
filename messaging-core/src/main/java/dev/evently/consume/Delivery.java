package dev.evently.consume;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How one message was delivered: what SQS says about it and which queue and consumer received it.
 * Handlers that take {@code (event, delivery)} and every {@link Middleware} see it.
 *
 * <p>A delivery describes one receipt of one SQS message: a redelivery of the same event is a new
 * delivery with the same {@link dev.evently.event.Event#id() event id}, usually a new {@link
 * #messageId()} only when the event was published twice, and a higher {@link #receiveCount()}.
 * Immutable and thread-safe.
 */
public interface Delivery {
  /** The SQS message id of this message (the same on every redelivery of it). */
  String messageId();

  /** SQS's ApproximateReceiveCount: 1 on the first delivery, 2 on the first retry, and so on. */
  int receiveCount();

  /**
   * The queue's redrive policy {@code maxReceiveCount}, or 0 when the queue has no effective
   * redrive policy (none, or its dead-letter queue is missing).
   */
  int maxReceiveCount();

  /**
   * True when this is the last attempt the redrive policy allows: if the handler fails, the
   * message goes to the dead-letter queue instead of coming back. A handler may compensate here
   * (e.g. publish a rejection) instead of failing. Always false without a redrive policy.
   */
  default boolean isLastAttempt() {
    return maxReceiveCount() > 0 && receiveCount() >= maxReceiveCount();
  }

  /** When SQS received the message from its producer (SentTimestamp), if SQS said. */
  Optional<Instant> sentTimestamp();

  /** When SQS first handed the message to a consumer (ApproximateFirstReceiveTimestamp), if SQS said. */
  Optional<Instant> firstReceiveTimestamp();

  /** The message group id on a FIFO queue; empty on a standard queue. */
  Optional<String> messageGroupId();

  /**
   * The message attributes, by name: String and Number attributes as their text, Binary ones
   * base64-encoded. With SNS raw delivery these are the attributes the publisher set (e.g.
   * {@code event-type}); with wrapped delivery they are inside the SNS envelope instead.
   */
  Map<String, String> messageAttributes();

  /**
   * True when the event carried no CloudEvents {@code time} (it is optional) and {@link
   * dev.evently.event.Event#time()} is SNS's Timestamp or SQS's SentTimestamp instead.
   */
  boolean timeDerived();

  /** The event's CloudEvents extension attributes (e.g. from a foreign producer), by name. */
  Map<String, Object> extensions();

  /** The name of the queue the message came from. */
  String queueName();

  /** The URL of the queue the message came from. */
  String queueUrl();

  /** The name of the consumer that received it (the queue name unless set). */
  String consumerName();
}
