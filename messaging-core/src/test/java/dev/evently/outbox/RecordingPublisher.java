package dev.evently.outbox;

import dev.evently.event.Event;
import dev.evently.event.EventDecodingException;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.PublishException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An in-process {@link EventPublisher} that records the messages it was asked to publish and can
 * refuse some; the relay under test publishes stored messages only ({@link #publishEncoded}).
 */
final class RecordingPublisher implements EventPublisher {
  private final List<EncodedMessage> published = new ArrayList<>();
  private final List<Long> publishedAtNanos = new ArrayList<>();
  private volatile Predicate<EncodedMessage> refuse = m -> false;
  private volatile Function<EncodedMessage, Throwable> failure = RecordingPublisher::unreachable;

  /** Refuses (as SNS being unreachable would: retryable) every message matching {@code which}. */
  void refuse(Predicate<EncodedMessage> which) {
    refuse(which, RecordingPublisher::unreachable);
  }

  /** Fails every message matching {@code which} with the failure {@code why} makes for it. */
  void refuse(Predicate<EncodedMessage> which, Function<EncodedMessage, Throwable> why) {
    this.failure = why;
    this.refuse = which;
  }

  void acceptAll() {
    this.refuse = m -> false;
  }

  private static Throwable unreachable(EncodedMessage m) {
    return new PublishException(m.eventId(), "SNS unreachable (test)", true, null);
  }

  /** The published messages, in order. */
  synchronized List<EncodedMessage> messages() {
    return List.copyOf(published);
  }

  /** The published messages decoded with the test codec, in order. */
  synchronized List<Event<?>> published() {
    List<Event<?>> events = new ArrayList<>();
    for (EncodedMessage m : published) {
      try {
        events.add(OrderPlaced.CODEC.decode(m.body()));
      } catch (EventDecodingException e) {
        throw new AssertionError("published body does not decode: " + e.getMessage(), e);
      }
    }
    return events;
  }

  synchronized List<String> publishedIds() {
    return published.stream().map(EncodedMessage::eventId).toList();
  }

  /** When the message of {@code eventId} was published ({@link System#nanoTime()}), or null. */
  synchronized Long publishedAtNanos(String eventId) {
    for (int i = 0; i < published.size(); i++) {
      if (published.get(i).eventId().equals(eventId)) {
        return publishedAtNanos.get(i);
      }
    }
    return null;
  }

  @Override
  public CompletableFuture<String> publish(Event<?> event) {
    throw new UnsupportedOperationException("the relay publishes stored messages only");
  }

  @Override
  public CompletableFuture<String> publishEncoded(EncodedMessage message) {
    if (refuse.test(message)) {
      return CompletableFuture.failedFuture(failure.apply(message));
    }
    synchronized (this) {
      published.add(message);
      publishedAtNanos.add(System.nanoTime());
    }
    return CompletableFuture.completedFuture("msg-" + message.eventId());
  }

  @Override
  public void close() {}
}
