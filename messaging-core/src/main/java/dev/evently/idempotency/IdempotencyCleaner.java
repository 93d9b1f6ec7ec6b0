package dev.evently.idempotency;

import dev.evently.idempotency.internal.Schedulers;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes idempotency records older than the retention, periodically, on a shared daemon thread.
 * The retention must outlive every copy of a message: SQS keeps a message at most 14 days, so the
 * default is 15 days. {@link #close()} stops it. A failed purge is logged and tried again at the
 * next run.
 */
public final class IdempotencyCleaner implements AutoCloseable {
  /** Default retention: longer than SQS's maximum message retention of 14 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(15);

  private static final Logger log = LoggerFactory.getLogger(IdempotencyCleaner.class);
  private final ScheduledFuture<?> task;

  private IdempotencyCleaner(IdempotencyStore store, Duration retention, Duration interval, Clock clock) {
    this.task =
        Schedulers.shared()
            .scheduleWithFixedDelay(
                () -> {
                  try {
                    int n = store.purgeOlderThan(clock.instant().minus(retention));
                    log.debug("purged {} idempotency records", n);
                  } catch (RuntimeException e) {
                    log.warn("purging idempotency records failed: {}", e.toString());
                  }
                },
                0,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  /** Purges records older than {@link #DEFAULT_RETENTION} now and every hour. */
  public static IdempotencyCleaner start(IdempotencyStore store) {
    return start(store, DEFAULT_RETENTION, Duration.ofHours(1));
  }

  public static IdempotencyCleaner start(IdempotencyStore store, Duration retention, Duration interval) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    if (retention == null || retention.isNegative()) {
      throw new IllegalArgumentException("retention must be >= 0");
    }
    if (interval == null || interval.toMillis() <= 0) {
      throw new IllegalArgumentException("interval must be >= 1 ms");
    }
    return new IdempotencyCleaner(store, retention, interval, Clock.systemUTC());
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
