package dev.evently.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next attempt after {@code attempt} failed ones: {@code initial *
 * multiplier^(attempt-1)}, capped at {@code max}, then reduced by a random fraction of at most
 * {@code jitter} so that work that failed together does not all come back together.
 *
 * <p>One value type for every retry and back-off in evently: the publisher's retries of PublishBatch
 * calls, the outbox relay's retries of rows and its idle polling, the relay's reconnection of its
 * PostgreSQL {@code LISTEN} connection. Immutable and thread-safe.
 *
 * @param initial the delay after the first failed attempt, at least 0
 * @param multiplier the growth factor per attempt, at least 1
 * @param max the cap, at least {@code initial}
 * @param jitter the largest fraction subtracted at random, 0 (none) to 1
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

  public Backoff {
    if (initial == null || initial.isNegative()) {
      throw new IllegalArgumentException("initial must be >= 0");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1 and finite");
    }
    if (max == null || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max must be >= initial");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
  }

  /** Doubling from {@code initial} up to {@code max}, with up to 20% jitter. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, 2.0, max, 0.2);
  }

  /** The same delay after every failure, without jitter. */
  public static Backoff fixed(Duration delay) {
    return new Backoff(delay, 1.0, delay, 0.0);
  }

  public Backoff withMultiplier(double newMultiplier) {
    return new Backoff(initial, newMultiplier, max, jitter);
  }

  public Backoff withJitter(double newJitter) {
    return new Backoff(initial, multiplier, max, newJitter);
  }

  /**
   * The delay after the {@code attempt}-th failed attempt (1 = the first attempt failed).
   *
   * @param random a value in [0, 1) choosing the jitter; 0 gives the full delay
   * @throws IllegalArgumentException if {@code attempt < 1} or {@code random} is outside [0, 1)
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1");
    }
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1)");
    }
    double maxNanos = max.toNanos();
    double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1.0);
    nanos = Math.min(Double.isFinite(nanos) ? nanos : maxNanos, maxNanos);
    nanos = nanos * (1.0 - jitter * random);
    return Duration.ofNanos(Math.round(nanos));
  }

  /** {@link #delay(int, double)} with a random jitter from {@link ThreadLocalRandom}. */
  public Duration delay(int attempt) {
    return delay(attempt, ThreadLocalRandom.current().nextDouble());
  }
}
