package dev.evently.consume.internal;

import dev.evently.consume.Delivery;
import dev.evently.event.Event;
import dev.evently.event.EventDecodingException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A received message this consumer holds: prefetched (waiting for a handler), running, or done.
 * The state moves QUEUED -> RUNNING -> DONE, or QUEUED -> ABANDONED when shutdown releases it
 * unstarted. It is also the message's {@link Delivery}. Identity-based equality.
 */
public final class InFlightMessage implements Delivery {
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;
  private static final int ABANDONED = 3;

  private final Message message;
  private final QueueSetup queue;
  private final String consumerName;
  private final int receiveCount;
  private final long receivedNanos;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private volatile long visibleAtNanos;
  private Event<?> event;
  private boolean timeDerived;
  private EventDecodingException decodeError;
  private Decision.Handled decidedEarly;
  private volatile boolean resolving;
  private Map<String, String> attributes;
  private volatile io.opentelemetry.api.trace.SpanContext traceContext;

  public InFlightMessage(
      Message message, QueueSetup queue, String consumerName, long receivedNanos, long visibilityNanos) {
    this.message = message;
    this.queue = queue;
    this.consumerName = consumerName;
    this.receiveCount = parseInt(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1);
    this.receivedNanos = receivedNanos;
    this.visibleAtNanos = receivedNanos + visibilityNanos;
  }

  /** The span context of this message's processing (or null when the consumer does not trace). */
  public io.opentelemetry.api.trace.SpanContext traceContext() {
    return traceContext;
  }

  public void traceContext(io.opentelemetry.api.trace.SpanContext context) {
    this.traceContext = context;
  }

  /** Records the decoded event; called once, before the message is handed to a handler thread. */
  public void decoded(Event<?> decodedEvent) {
    decoded(decodedEvent, false);
  }

  /** Records the decoded event and whether its time came from SNS/SQS rather than the event. */
  public void decoded(Event<?> decodedEvent, boolean derivedTime) {
    this.event = decodedEvent;
    this.timeDerived = derivedTime;
  }

  @Override
  public boolean timeDerived() {
    return timeDerived;
  }

  @Override
  public Map<String, Object> extensions() {
    return event == null ? Map.of() : event.extensions();
  }

  /** The String and Number message attributes, by name, as the codec reads binary-mode events. */
  public Map<String, String> textAttributes() {
    Map<String, MessageAttributeValue> all = message.messageAttributes();
    if (all.isEmpty()) {
      return Map.of();
    }
    Map<String, String> text = new LinkedHashMap<>();
    for (Map.Entry<String, MessageAttributeValue> e : all.entrySet()) {
      String type = e.getValue().dataType();
      if (e.getValue().stringValue() != null && type != null && (type.startsWith("String") || type.startsWith("Number"))) {
        text.put(e.getKey(), e.getValue().stringValue());
      }
    }
    return text;
  }

  /** Records why the body could not be decoded; called once, before the message is handed on. */
  public void undecodable(EventDecodingException error) {
    this.decodeError = error;
  }

  /**
   * Records the message's fate decided before any handler (a large event's pointer that cannot be
   * followed); called once, before the message is handed on. The event stays null.
   */
  public void decidedEarly(Decision.Handled handled) {
    this.decidedEarly = handled;
  }

  /** The fate decided before any handler, or null. */
  public Decision.Handled decidedEarly() {
    return decidedEarly;
  }

  /** Its payload is being fetched: not yet handed to the dispatcher. */
  public boolean isResolving() {
    return resolving;
  }

  public void resolving(boolean fetching) {
    this.resolving = fetching;
  }

  /** The decoded event, or null when the body could not be decoded. */
  public Event<?> event() {
    return event;
  }

  /** Why the body could not be decoded, or null. */
  public EventDecodingException decodeError() {
    return decodeError;
  }

  public Message message() {
    return message;
  }

  @Override
  public String messageId() {
    return message.messageId();
  }

  public String receiptHandle() {
    return message.receiptHandle();
  }

  @Override
  public int receiveCount() {
    return receiveCount;
  }

  @Override
  public int maxReceiveCount() {
    return queue.maxReceiveCount();
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

  /** Puts a running message back to waiting (held back by an open circuit breaker); false if it was not running. */
  public boolean requeue() {
    return state.compareAndSet(RUNNING, QUEUED);
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

  @Override
  public Optional<Instant> sentTimestamp() {
    return instant(MessageSystemAttributeName.SENT_TIMESTAMP);
  }

  @Override
  public Optional<Instant> firstReceiveTimestamp() {
    return instant(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
  }

  @Override
  public Optional<String> messageGroupId() {
    return Optional.ofNullable(groupId());
  }

  public String groupId() {
    return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
  }

  @Override
  public synchronized Map<String, String> messageAttributes() {
    if (attributes == null) {
      Map<String, String> map = new LinkedHashMap<>();
      for (Map.Entry<String, MessageAttributeValue> e : message.messageAttributes().entrySet()) {
        MessageAttributeValue v = e.getValue();
        if (v.stringValue() != null) {
          map.put(e.getKey(), v.stringValue());
        } else if (v.binaryValue() != null) {
          map.put(e.getKey(), Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        }
      }
      attributes = java.util.Collections.unmodifiableMap(map);
    }
    return attributes;
  }

  @Override
  public String queueName() {
    return queue.queueName();
  }

  @Override
  public String queueUrl() {
    return queue.queueUrl();
  }

  @Override
  public String consumerName() {
    return consumerName;
  }

  @Override
  public String toString() {
    return "message " + messageId();
  }

  private Optional<Instant> instant(MessageSystemAttributeName name) {
    long millis = parseLong(message.attributes().get(name), -1);
    return millis < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
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
