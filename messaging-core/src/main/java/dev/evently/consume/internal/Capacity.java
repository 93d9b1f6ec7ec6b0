package dev.evently.consume.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free in-flight slots. Pollers reserve up to a batch before receiving and give back what they
 * did not use; handlers give back one slot when they end. A poller that finds no free slot
 * registers a callback that runs as soon as one is released. Lock-free.
 */
public final class Capacity {
  private final int max;
  private final AtomicInteger free;
  private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  public Capacity(int max) {
    this.max = max;
    this.free = new AtomicInteger(max);
  }

  /** Reserves between 1 and {@code wanted} slots, or returns 0 when none is free. */
  public int tryReserve(int wanted) {
    while (true) {
      int f = free.get();
      if (f <= 0) {
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
    Runnable waiter;
    while (free.get() > 0 && (waiter = waiters.poll()) != null) {
      waiter.run();
    }
  }

  /** Runs {@code waiter} once, as soon as a slot is (or is already) free. */
  public void whenFree(Runnable waiter) {
    waiters.add(waiter);
    if (free.get() > 0 && waiters.remove(waiter)) {
      waiter.run();
    }
  }

  public int free() {
    return free.get();
  }

  public int inUse() {
    return max - free.get();
  }
}
