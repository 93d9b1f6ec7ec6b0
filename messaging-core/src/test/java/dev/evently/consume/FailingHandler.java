package dev.evently.consume;

import dev.evently.event.Event;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Throws for the events it targets: for their first {@code times} attempts, or always. */
final class FailingHandler<T> implements EventHandler<T> {
  private final Predicate<Event<T>> targets;
  private final int times;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  private FailingHandler(Predicate<Event<T>> targets, int times) {
    this.targets = targets;
    this.times = times;
  }

  /** Fails every event's first {@code times} attempts, then succeeds. */
  static <T> FailingHandler<T> failTimes(int times) {
    return new FailingHandler<>(e -> true, times);
  }

  /** Fails the first {@code times} attempts of the events matching {@code targets}. */
  static <T> FailingHandler<T> failTimesFor(int times, Predicate<Event<T>> targets) {
    return new FailingHandler<>(targets, times);
  }

  /** Always fails the events matching {@code targets}; succeeds for the others. */
  static <T> FailingHandler<T> alwaysFor(Predicate<Event<T>> targets) {
    return new FailingHandler<>(targets, Integer.MAX_VALUE);
  }

  @Override
  public void handle(Event<T> event) {
    if (!targets.test(event)) {
      return;
    }
    int attempt = attempts.merge(event.id(), 1, Integer::sum);
    if (attempt <= times) {
      throw new IllegalStateException("simulated failure " + attempt + " of event " + event.id());
    }
  }
}
