package dev.evently.publish.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: before retry {@code n} (1-based) waits a random time between half
 * and all of {@code min(max, initial * 2^(n-1))}.
 */
public final class Backoff {
  private final long initialNanos;
  private final long maxNanos;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be > 0");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The ceiling of the wait before retry {@code retry} (1 = first retry). */
  public long ceilingNanos(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1");
    }
    int shift = Math.min(retry - 1, 62);
    long ceiling = initialNanos << shift;
    if (ceiling <= 0 || (ceiling >> shift) != initialNanos || ceiling > maxNanos) {
      return maxNanos;
    }
    return ceiling;
  }

  /** A jittered wait before retry {@code retry}, in [ceiling/2, ceiling]. */
  public long delayNanos(int retry) {
    long ceiling = ceilingNanos(retry);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }
}
