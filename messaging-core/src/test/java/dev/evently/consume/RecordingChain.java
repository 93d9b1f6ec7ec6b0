package dev.evently.consume;

import dev.evently.event.Event;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Middleware.Chain} whose next link counts its calls and runs a step: for testing one
 * middleware alone, without a consumer (OkHttp's "recording next link").
 */
public final class RecordingChain implements Middleware.Chain {
  /** What the next link does: return, or throw as a handler would. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  private final Event<?> event;
  private final Step next;
  private final AtomicInteger proceeded;

  private RecordingChain(Event<?> event, Step next, AtomicInteger proceeded) {
    this.event = event;
    this.next = next;
    this.proceeded = proceeded;
  }

  /** A chain for {@code event} whose calls of {@code next} are counted in {@code proceeded}. */
  public static RecordingChain of(Event<?> event, AtomicInteger proceeded, Step next) {
    return new RecordingChain(event, next, proceeded);
  }

  @Override
  public Event<?> event() {
    return event;
  }

  @Override
  public Delivery delivery() {
    throw new UnsupportedOperationException("this middleware test has no delivery");
  }

  @Override
  public void proceed() throws Exception {
    proceeded.incrementAndGet();
    next.run();
  }
}
