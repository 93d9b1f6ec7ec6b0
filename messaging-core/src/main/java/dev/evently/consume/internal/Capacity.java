package dev.evently.consume.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free in-flight slots. Pollers reserve up to a batch before receiving and give back what they
 * did not use; handlers give back one slot when they end. A poller that finds too few free slots
 * registers a callback that runs as soon as enough are released. Lock-free.
 */
public final class Capacity {
  private record Waiter(int min, Runnable task) {}

  private final int max;
  private final AtomicInteger free;
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  public Capacity(int max) {
    this.max = max;
    this.free = new AtomicInteger(max);
  }

  /** Reserves between 1 and {@code wanted} slots, or returns 0 when none is free. */
  public int tryReserve(int wanted) {
    return tryReserve(wanted, 1);
  }

  /**
   * Reserves between {@code min} and {@code wanted} slots, or returns 0 when fewer than {@code min}
   * are free.
   */
  public int tryReserve(int wanted, int min) {
    int least = Math.max(1, min);
    while (true) {
      int f = free.get();
      if (f < least) {
        return 0;
      }
      int take = Math.min(f, wanted);
      if (free.compareAndSet(f, f - take)) {
        return take;
      }
    }
  }

  public void release(int n) {
    if (n <= 0) {
      return;
    }
    free.addAndGet(n);
    for (Waiter w : waiters) {
      if (free.get() >= w.min() && waiters.remove(w)) {
        w.task().run();
      }
    }
  }

  /** Runs {@code waiter} once, as soon as a slot is (or is already) free. */
  public void whenFree(Runnable waiter) {
    whenFree(1, waiter);
  }

  /** Runs {@code waiter} once, as soon as at least {@code min} slots are (or already are) free. */
  public void whenFree(int min, Runnable waiter) {
    Waiter w = new Waiter(Math.max(1, min), waiter);
    waiters.add(w);
    if (free.get() >= w.min() && waiters.remove(w)) {
      waiter.run();
    }
  }

  /** The number of slots, free or not. */
  public int size() {
    return max;
  }

  public int free() {
    return free.get();
  }

  public int inUse() {
    return max - free.get();
  }
}
