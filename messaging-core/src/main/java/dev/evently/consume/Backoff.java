package dev.evently.consume;

import java.time.Duration;

/**
 * How long a failed message stays invisible before its next attempt: {@code initial *
 * multiplier^(attempt-1)}, capped at {@code max}, then reduced by a random fraction of at most
 * {@code jitter} so that messages that failed together do not all come back together.
 *
 * <p>SQS counts visibility in whole seconds, so {@link #visibilitySeconds(int, double)} rounds to
 * the nearest second (and never exceeds SQS's 12-hour limit). Immutable and thread-safe.
 *
 * @param initial the delay after the first failed attempt, at least 0
 * @param multiplier the growth factor per attempt, at least 1
 * @param max the cap, at least {@code initial} and at most 12 hours
 * @param jitter the largest fraction subtracted at random, 0 (none) to 1
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {
  /** The longest visibility timeout SQS accepts, 12 hours. */
  public static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  /** 1 s, doubling, capped at 5 minutes, up to 20% jitter. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2);

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
    if (max.compareTo(MAX_VISIBILITY) > 0) {
      throw new IllegalArgumentException("max must be <= 12 hours (the SQS visibility limit)");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
  }

  /** Exponential backoff doubling from {@code initial} up to {@code max}, with 20% jitter. */
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
   * The delay after the {@code attempt}-th failed attempt (1 = the first delivery failed).
   *
   * @param random a value in [0, 1) choosing the jitter; 0 gives the full delay
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1");
    }
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1)");
    }
    double maxMillis = max.toMillis();
    double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1.0);
    millis = Math.min(Double.isFinite(millis) ? millis : maxMillis, maxMillis);
    millis = millis * (1.0 - jitter * random);
    return Duration.ofMillis(Math.round(millis));
  }

  /** {@link #delay(int, double)} in whole seconds (rounded), as SQS visibility timeouts are. */
  public int visibilitySeconds(int attempt, double random) {
    long millis = delay(attempt, random).toMillis();
    return (int) Math.min(MAX_VISIBILITY.toSeconds(), Math.round(millis / 1000.0));
  }
}
