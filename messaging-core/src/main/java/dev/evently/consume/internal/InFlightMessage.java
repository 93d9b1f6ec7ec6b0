package dev.evently.consume.internal;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A received message this consumer holds: queued for a handler, running, or done. The state
 * moves QUEUED -> RUNNING -> DONE, or QUEUED -> ABANDONED when shutdown releases it unstarted.
 * Identity-based equality.
 */
public final class InFlightMessage {
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;
  private static final int ABANDONED = 3;

  private final Message message;
  private final int receiveCount;
  private final long receivedNanos;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private volatile long visibleAtNanos;

  public InFlightMessage(Message message, long receivedNanos, long visibilityNanos) {
    this.message = message;
    this.receiveCount = parseInt(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1);
    this.receivedNanos = receivedNanos;
    this.visibleAtNanos = receivedNanos + visibilityNanos;
  }

  public Message message() {
    return message;
  }

  public String messageId() {
    return message.messageId();
  }

  public String receiptHandle() {
    return message.receiptHandle();
  }

  /** ApproximateReceiveCount: 1 on the first delivery. */
  public int receiveCount() {
    return receiveCount;
  }

  public long receivedNanos() {
    return receivedNanos;
  }

  /** When the message becomes visible again unless extended. */
  public long visibleAtNanos() {
    return visibleAtNanos;
  }

  public void extendedUntil(long nanos) {
    this.visibleAtNanos = nanos;
  }

  /** Claims the message for its handler; false when shutdown abandoned it first. */
  public boolean start() {
    return state.compareAndSet(QUEUED, RUNNING);
  }

  /** Releases an unstarted message at shutdown; false when its handler already started. */
  public boolean abandon() {
    return state.compareAndSet(QUEUED, ABANDONED);
  }

  public void finish() {
    state.set(DONE);
  }

  /** Queued or running: the consumer still owns its visibility. */
  public boolean isHeld() {
    int s = state.get();
    return s == QUEUED || s == RUNNING;
  }

  /** SentTimestamp as epoch millis, or -1 when absent. */
  public long sentTimestampMillis() {
    return parseLong(message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP), -1);
  }

  public String groupId() {
    return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
  }

  private static int parseInt(String s, int fallback) {
    try {
      return s == null ? fallback : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
