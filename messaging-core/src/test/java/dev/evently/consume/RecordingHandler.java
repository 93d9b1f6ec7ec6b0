package dev.evently.consume;

import dev.evently.event.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every call (event id, time) and how many run at once, then delegates (default:
 * succeed). {@link #succeeded()} holds the events whose delegate returned.
 */
final class RecordingHandler<T> implements EventHandler<T> {
  record Call(String eventId, long nanos) {}

  private final EventHandler<T> delegate;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Event<T>> succeeded = new CopyOnWriteArrayList<>();
  private final Map<String, Long> succeededAt = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();

  RecordingHandler() {
    this(e -> {});
  }

  RecordingHandler(EventHandler<T> delegate) {
    this.delegate = delegate;
  }

  @Override
  public void handle(Event<T> event) throws Exception {
    calls.add(new Call(event.id(), System.nanoTime()));
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      delegate.handle(event);
      succeeded.add(event);
      succeededAt.put(event.id(), System.nanoTime());
    } finally {
      running.decrementAndGet();
    }
  }

  List<Call> calls() {
    return calls;
  }

  List<Call> callsFor(String eventId) {
    return calls.stream().filter(c -> c.eventId().equals(eventId)).toList();
  }

  List<Event<T>> succeeded() {
    return succeeded;
  }

  List<String> succeededIds() {
    return succeeded.stream().map(Event::id).toList();
  }

  long succeededAtNanos(String eventId) {
    return succeededAt.get(eventId);
  }

  int maxRunning() {
    return maxRunning.get();
  }
}
