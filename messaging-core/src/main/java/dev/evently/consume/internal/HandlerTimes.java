package dev.evently.consume.internal;

import java.util.concurrent.TimeUnit;

/**
 * An exponentially weighted (1/16) average of handler call times, for the receiver's wait for a
 * full batch of free slots. Racy updates only blur it.
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
}
