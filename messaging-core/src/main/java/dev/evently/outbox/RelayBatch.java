package dev.evently.outbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Publishes one claimed batch of rows keeping the order per key: rows with the same key go one
 * after the other (a key's next row only once its previous one is published or parked), and a
 * key stops at its first retryable failure; keys whose older rows are pending elsewhere ({@code
 * blocked}) are left alone. Rows without a key have no order and all go in the first round. Knows
 * neither SNS nor SQL: {@code publish} sends a row, and the caller marks the {@link Outcome}.
 */
final class RelayBatch {
  private RelayBatch() {}

  /** What happened to the rows of a batch; rows of blocked keys are in none of the three. */
  record Outcome(List<OutboxRow> published, Map<OutboxRow, String> failed, Map<OutboxRow, String> parked) {}

  static Outcome publish(
      List<OutboxRow> rows, Set<String> blocked, Function<OutboxRow, CompletableFuture<String>> publish, Duration timeout) {
    Map<Object, ArrayDeque<OutboxRow>> groups = new LinkedHashMap<>();
    for (OutboxRow row : rows) {
      if (row.key() == null) {
        groups.put(row.id(), new ArrayDeque<>(List.of(row)));
      } else if (!blocked.contains(row.key())) {
        groups.computeIfAbsent(row.key(), k -> new ArrayDeque<>()).add(row);
      }
    }
    Outcome outcome = new Outcome(new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    while (!groups.isEmpty()) {
      List<OutboxRow> round = new ArrayList<>(groups.size());
      List<CompletableFuture<String>> futures = new ArrayList<>(groups.size());
      for (ArrayDeque<OutboxRow> group : groups.values()) {
        OutboxRow row = group.peekFirst();
        round.add(row);
        futures.add(safely(publish, row));
      }
      awaitAll(futures, timeout);
      Iterator<ArrayDeque<OutboxRow>> groupIt = groups.values().iterator();
      for (int i = 0; i < round.size(); i++) {
        ArrayDeque<OutboxRow> group = groupIt.next();
        OutboxRow row = round.get(i);
        Throwable cause = failureOf(futures.get(i), timeout);
        if (cause != null && !Failures.isPermanent(cause)) {
          outcome.failed().put(row, Failures.describe(cause)); // the key waits for this row's retry
          groupIt.remove();
          continue;
        }
        if (cause == null) {
          outcome.published().add(row);
        } else {
          outcome.parked().put(row, Failures.describe(cause));
        }
        group.pollFirst(); // the key's next row goes next
        if (group.isEmpty()) {
          groupIt.remove();
        }
      }
    }
    return outcome;
  }

  private static CompletableFuture<String> safely(Function<OutboxRow, CompletableFuture<String>> publish, OutboxRow row) {
    try {
      CompletableFuture<String> f = publish.apply(row);
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("publish returned no future"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void awaitAll(List<CompletableFuture<String>> futures, Duration timeout) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Outcomes are read per future.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Why {@code future} has not published its row, or null when it has. */
  private static Throwable failureOf(CompletableFuture<String> future, Duration timeout) {
    if (!future.isDone()) {
      return new TimeoutException("publish timed out after " + timeout);
    }
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }
}
