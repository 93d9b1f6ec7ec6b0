package dev.evently.outbox;

import dev.evently.event.Event;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.PublishException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/** An in-process {@link EventPublisher} that records what it was asked to publish and can refuse. */
final class RecordingPublisher implements EventPublisher {
  private final List<Event<?>> published = new ArrayList<>();
  private volatile Predicate<Event<?>> refuse = e -> false;
  private volatile Function<Event<?>, Throwable> failure = RecordingPublisher::unreachable;

  /** Refuses (as SNS being unreachable would: retryable) every event matching {@code which}. */
  void refuse(Predicate<Event<?>> which) {
    refuse(which, RecordingPublisher::unreachable);
  }

  /** Fails every event matching {@code which} with the failure {@code why} makes for it. */
  void refuse(Predicate<Event<?>> which, Function<Event<?>, Throwable> why) {
    this.failure = why;
    this.refuse = which;
  }

  void acceptAll() {
    this.refuse = e -> false;
  }

  private static Throwable unreachable(Event<?> event) {
    return new PublishException(event.id(), "SNS unreachable (test)", true, null);
  }

  synchronized List<Event<?>> published() {
    return List.copyOf(published);
  }

  synchronized List<String> publishedIds() {
    List<String> ids = new ArrayList<>();
    for (Event<?> e : published) {
      ids.add(e.id());
    }
    return ids;
  }

  @Override
  public CompletableFuture<String> publish(Event<?> event) {
    if (refuse.test(event)) {
      return CompletableFuture.failedFuture(failure.apply(event));
    }
    synchronized (this) {
      published.add(event);
    }
    return CompletableFuture.completedFuture("msg-" + event.id());
  }

  @Override
  public void close() {}
}
