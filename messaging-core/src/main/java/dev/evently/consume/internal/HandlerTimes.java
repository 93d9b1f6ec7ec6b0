package dev.evently.consume.internal;

import java.util.concurrent.TimeUnit;

/**
 * An exponentially weighted (1/16) average of durations: handler call times (the receiver's wait
 * for a full batch of free slots, and how many messages should wait for a handler) or receive round
 * trips. Racy updates only blur it.
 */
public final class HandlerTimes {
  private volatile long averageNanos;

  public void record(long nanos) {
    long avg = averageNanos;
    averageNanos = avg == 0 ? nanos : avg + (nanos - avg) / 16;
  }

  public long averageMillis() {
    return TimeUnit.NANOSECONDS.toMillis(averageNanos);
  }

  public long averageNanos() {
    return averageNanos;
  }
}
