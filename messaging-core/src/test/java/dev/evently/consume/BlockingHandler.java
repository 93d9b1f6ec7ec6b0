package dev.evently.consume;

import dev.evently.event.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blocks every call until {@link #release()} (the handler's "work" is held by the test, not timed),
 * counting calls started, running and finished, and the most running at once.
 */
final class BlockingHandler<T> implements EventHandler<T> {
  private static final long MAX_BLOCK_SECONDS = 60;

  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final List<String> finished = new CopyOnWriteArrayList<>();

  @Override
  public void handle(Event<T> event) throws InterruptedException {
    started.incrementAndGet();
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      if (!gate.await(MAX_BLOCK_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("BlockingHandler was never released");
      }
      finished.add(event.id());
    } finally {
      running.decrementAndGet();
    }
  }

  /** Lets every blocked and future call finish. */
  void release() {
    gate.countDown();
  }

  int started() {
    return started.get();
  }

  int running() {
    return running.get();
  }

  int maxRunning() {
    return maxRunning.get();
  }

  List<String> finished() {
    return finished;
  }
}
