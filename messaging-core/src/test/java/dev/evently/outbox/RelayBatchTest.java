package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.publish.BufferFullException;
import dev.evently.publish.PublishException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Ordering per key and the retry classification of one batch, without SNS or a database. */
class RelayBatchTest {
  private final List<String> sent = new ArrayList<>();

  private static OutboxRow row(long id, String key) {
    return new OutboxRow(id, "e-" + id, "t", key, "T", "{}", 0, Instant.EPOCH, 2, "{}", key, "e-" + id);
  }

  private CompletableFuture<String> accept(OutboxRow row) {
    sent.add(row.eventId());
    return CompletableFuture.completedFuture("m");
  }

  @Test
  void aKeysRowsGoOneAfterTheOtherAndKeylessRowsAllGoFirst() {
    List<OutboxRow> rows = List.of(row(1, "A"), row(2, "A"), row(3, null), row(4, "B"), row(5, "A"));

    RelayBatch.Outcome outcome = RelayBatch.publish(rows, Set.of(), this::accept, Duration.ofSeconds(1));

    assertThat(sent).containsExactly("e-1", "e-3", "e-4", "e-2", "e-5");
    assertThat(outcome.published()).hasSize(5);
  }

  @Test
  void aRetryableFailureStopsItsKeyAPermanentOneParksTheRowAndTheKeyGoesOn() {
    List<OutboxRow> rows = List.of(row(1, "A"), row(2, "A"), row(3, "B"), row(4, "B"), row(5, "C"));

    RelayBatch.Outcome outcome =
        RelayBatch.publish(
            rows,
            Set.of("C"), // an older row of C is pending elsewhere
            row -> {
              sent.add(row.eventId());
              return switch ((int) row.id()) {
                case 1 -> CompletableFuture.failedFuture(new BufferFullException("e-1", "full (test)"));
                case 3 -> CompletableFuture.failedFuture(new PublishException("e-3", "too large (test)", false, null));
                default -> CompletableFuture.completedFuture("m");
              };
            },
            Duration.ofSeconds(1));

    assertThat(sent).containsExactly("e-1", "e-3", "e-4");
    assertThat(outcome.failed()).containsOnlyKeys(rows.get(0));
    assertThat(outcome.failed().get(rows.get(0))).startsWith("BufferFullException: full (test)");
    assertThat(outcome.parked()).containsOnlyKeys(rows.get(2));
    assertThat(outcome.published()).containsExactly(rows.get(3));
  }

  @Test
  void aPublishThatDoesNotAnswerInTimeOrThrowsIsRetried() {
    List<OutboxRow> rows = List.of(row(1, "A"), row(2, "B"));

    RelayBatch.Outcome outcome =
        RelayBatch.publish(
            rows,
            Set.of(),
            row -> {
              if (row.id() == 1) {
                return new CompletableFuture<>(); // never completes
              }
              throw new IllegalStateException("publisher is closed (test)");
            },
            Duration.ofMillis(50));

    assertThat(outcome.failed()).containsOnlyKeys(rows);
    assertThat(outcome.failed().get(rows.get(0))).contains("timed out");
    assertThat(outcome.parked()).isEmpty();
  }

  @Test
  void onlyTheEventsRefusalsParkARow() {
    assertThat(Failures.isPermanent(new IllegalArgumentException("bad group id"))).isTrue();
    assertThat(Failures.isPermanent(new PublishException("e", "too large", false, null))).isTrue();
    assertThat(Failures.isPermanent(new PublishException("e", "throttled", true, null))).isFalse();
    assertThat(Failures.isPermanent(new PublishException("e", "denied", false,
        software.amazon.awssdk.services.sns.model.SnsException.builder().message("denied").build()))).isFalse();
    assertThat(Failures.isPermanent(new IllegalStateException("closed"))).isFalse();
    assertThat(Failures.describe(new IllegalStateException("x".repeat(2000)))).hasSize(1000);
  }
}
