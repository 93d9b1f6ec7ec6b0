package dev.evently.outbox;

import dev.evently.internal.Meters;
import dev.evently.jdbc.internal.Jdbc;
import dev.evently.publish.EventPublisher;
import dev.evently.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay cycle, in one transaction: claim a batch of due rows ({@link OutboxTable#claim}),
 * publish their stored messages in order per key ({@link RelayBatch}), mark each row published,
 * failed (due again after the retry backoff) or parked, commit; then log and count. Thread-safe:
 * several threads may run cycles, each on its own connection.
 */
final class RelayCycle {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final DataSource dataSource;
  private final OutboxTable table;
  private final Function<String, EventPublisher> publishers;
  private final int batchSize;
  private final Backoff retryBackoff;
  private final Duration publishTimeout;
  private final boolean deletePublished;
  private final Clock clock;
  private final Counter publishedCounter;
  private final Counter failedCounter;
  private final Counter parkedCounter;
  private final Timer delayTimer;

  RelayCycle(
      DataSource dataSource,
      OutboxTable table,
      Function<String, EventPublisher> publishers,
      int batchSize,
      Backoff retryBackoff,
      Duration publishTimeout,
      boolean deletePublished,
      Clock clock,
      Meters meters) {
    this.dataSource = dataSource;
    this.table = table;
    this.publishers = publishers;
    this.batchSize = batchSize;
    this.retryBackoff = retryBackoff;
    this.publishTimeout = publishTimeout;
    this.deletePublished = deletePublished;
    this.clock = clock;
    this.publishedCounter = meters.counter("evently.outbox.published", "outbox rows published");
    this.failedCounter = meters.counter("evently.outbox.failed", "outbox publish attempts that failed (the row is retried)");
    this.parkedCounter =
        meters.counter("evently.outbox.parked", "outbox rows parked: refused for good by the publisher, not retried");
    this.delayTimer = meters.timer("evently.outbox.delay", "time from writing an outbox row to publishing it");
  }

  /** Runs one cycle; returns how many rows were published. See {@link OutboxRelay#relayOnce()}. */
  int run() {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        Instant now = clock.instant();
        List<OutboxRow> rows = table.claim(c, now, batchSize);
        if (rows.isEmpty()) {
          c.commit();
          return 0;
        }
        Set<String> blocked = table.keysWithOlderPendingRows(c, rows);
        RelayBatch.Outcome outcome = RelayBatch.publish(rows, blocked, this::publish, publishTimeout);
        Map<OutboxRow, Instant> dueAt = new HashMap<>();
        outcome.failed().keySet().forEach(row -> dueAt.put(row, now.plus(retryDelay(row.attempts()))));
        table.markPublished(c, outcome.published(), clock.instant(), deletePublished);
        table.markFailed(c, outcome.failed(), dueAt);
        table.markParked(c, outcome.parked(), now);
        c.commit();
        report(outcome);
        return outcome.published().size();
      } catch (SQLException | RuntimeException e) {
        Jdbc.rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("outbox relay on table " + table.table() + " failed: " + e.getMessage(), e);
    }
  }

  /** The wait before retrying a row that has failed {@code attempts} times before this failure. */
  Duration retryDelay(int attempts) {
    return retryBackoff.delay(Math.max(1, attempts + 1));
  }

  private CompletableFuture<String> publish(OutboxRow row) {
    EventPublisher publisher = publishers.apply(row.topic());
    if (publisher == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no publisher for topic '" + row.topic() + "'"));
    }
    return publisher.publishEncoded(row.message());
  }

  private void report(RelayBatch.Outcome outcome) {
    publishedCounter.increment(outcome.published().size());
    failedCounter.increment(outcome.failed().size());
    parkedCounter.increment(outcome.parked().size());
    Instant now = Instant.now();
    for (OutboxRow row : outcome.published()) {
      if (row.createdAt() != null) {
        delayTimer.record(Duration.between(row.createdAt(), now));
      }
    }
    if (!outcome.failed().isEmpty()) {
      for (Map.Entry<OutboxRow, String> e : outcome.failed().entrySet()) {
        log.debug("outbox event {} (topic {}) not published, attempt {}: {}", e.getKey().eventId(), e.getKey().topic(),
            e.getKey().attempts() + 1, e.getValue());
      }
      Map.Entry<OutboxRow, String> first = outcome.failed().entrySet().iterator().next();
      log.warn("{} outbox events not published, retrying with backoff; first: event {} (topic {}, attempt {}): {}",
          outcome.failed().size(), first.getKey().eventId(), first.getKey().topic(), first.getKey().attempts() + 1,
          first.getValue());
    }
    for (Map.Entry<OutboxRow, String> e : outcome.parked().entrySet()) {
      OutboxRow row = e.getKey();
      log.error("outbox event {} of type {} (topic {}, subject {}) parked: the publisher refused it for good and it"
              + " will not be retried; the newer events of its subject go ahead. Fix the cause, then"
              + " OutboxRelay.retryParked(\"{}\"). Reason: {}",
          row.eventId(), row.type(), row.topic(), row.key(), row.eventId(), e.getValue());
    }
  }
}
