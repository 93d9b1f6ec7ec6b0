package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private final List<List<Integer>> sent = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private final Batcher<Integer> batcher =
      new Batcher<>(
          batch -> {
            sent.add(List.copyOf(batch));
            return gate;
          });

  @Test
  void sendsAFullBatchAtOnceAndTheRestOnFlush() {
    IntStream.range(0, 23).forEach(batcher::add);
    assertThat(sent).hasSize(2).allSatisfy(b -> assertThat(b).hasSize(10));
    assertThat(batcher.queued()).isEqualTo(3);

    CompletableFuture<Void> drained = batcher.flushAndDrain();

    assertThat(sent).hasSize(3);
    assertThat(sent.get(2)).containsExactly(20, 21, 22);
    assertThat(drained).isNotDone();
    gate.complete(null);
    assertThat(drained).isDone();
  }

  @Test
  void aFailingSenderDoesNotBreakDraining() {
    Batcher<Integer> failing = new Batcher<>(batch -> { throw new IllegalStateException("boom"); });
    failing.add(1);
    assertThat(failing.flushAndDrain()).isDone();
    assertThat(failing.queued()).isZero();
  }
}
