package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchBufferTest {

  @Test
  void sealsABatchAtTenEntriesAndSendsItWithoutWaitingForLinger() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(10, 1000, 4, false);
    for (int i = 0; i < 25; i++) {
      buffer.add(i, 1);
    }

    Batch<Integer> first = buffer.poll();
    Batch<Integer> second = buffer.poll();

    assertThat(first.entries()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(second.entries()).hasSize(10).startsWith(10);
    assertThat(buffer.poll()).as("the 5 left wait for their linger").isNull();
    assertThat(buffer.inFlight()).isEqualTo(2);
  }

  @Test
  void startsANewBatchWhenTheNextEntryWouldPassTheTotalSizeLimit() {
    BatchBuffer<String> buffer = new BatchBuffer<>(10, 100, 4, false);
    assertThat(buffer.add("a", 40)).as("opens a batch").isNotNull();
    assertThat(buffer.add("b", 60)).as("fits exactly").isNull();
    assertThat(buffer.add("c", 1)).as("does not fit: opens a new batch").isNotNull();

    Batch<String> full = buffer.poll();
    assertThat(full.entries()).containsExactly("a", "b");
    assertThat(full.bytes()).isEqualTo(100);
    assertThat(buffer.poll()).isNull();
  }

  @Test
  void refusesAnEntryLargerThanABatch() {
    BatchBuffer<String> buffer = new BatchBuffer<>(10, 100, 4, false);
    assertThatThrownBy(() -> buffer.add("x", 101)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("101");
  }

  @Test
  void lingerMakesTheOpenBatchDueButAStaleTimerDoesNothing() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(2, 1000, 4, false);
    Batch<Integer> first = buffer.add(1, 1);
    buffer.add(2, 1); // full: sealed
    Batch<Integer> second = buffer.add(3, 1);

    assertThat(buffer.poll()).isSameAs(first);
    buffer.lingerExpired(first); // already sent: no effect on the open batch
    assertThat(buffer.poll()).isNull();
    buffer.lingerExpired(second);
    assertThat(buffer.poll()).isSameAs(second);
  }

  @Test
  void zeroLingerSendsAtOnceWhileSlotsAreFreeAndFillsBatchesWhileTheyAreNot() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(10, 1000, 1, true);
    buffer.add(1, 1);
    assertThat(buffer.poll().entries()).containsExactly(1);

    for (int i = 2; i <= 6; i++) {
      buffer.add(i, 1);
    }
    assertThat(buffer.poll()).as("the only slot is busy").isNull();

    buffer.done();
    assertThat(buffer.poll().entries()).as("due batch kept filling").containsExactly(2, 3, 4, 5, 6);
  }

  @Test
  void boundsBatchesInFlight() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(1, 1000, 2, true);
    for (int i = 0; i < 5; i++) {
      buffer.add(i, 1);
    }
    assertThat(buffer.poll()).isNotNull();
    assertThat(buffer.poll()).isNotNull();
    assertThat(buffer.poll()).isNull();
    buffer.done();
    assertThat(buffer.poll().entries()).containsExactly(2);
    assertThatThrownBy(() -> {
          buffer.done();
          buffer.done();
          buffer.done();
        })
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void flushMakesTheOpenAndEveryLaterBatchDue() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(10, 1000, 4, false);
    buffer.add(1, 1);
    buffer.flush();
    assertThat(buffer.poll().entries()).containsExactly(1);
    buffer.add(2, 1);
    assertThat(buffer.poll().entries()).containsExactly(2);
  }

  @Test
  void drainAllTakesReadyAndOpenEntriesButLeavesInFlightOnes() {
    BatchBuffer<Integer> buffer = new BatchBuffer<>(2, 1000, 1, false);
    for (int i = 0; i < 5; i++) {
      buffer.add(i, 1);
    }
    assertThat(buffer.poll().entries()).containsExactly(0, 1);

    assertThat(buffer.drainAll()).containsExactly(2, 3, 4);
    assertThat(buffer.drainAll()).isEmpty();
    buffer.flush();
    buffer.done();
    assertThat(buffer.poll()).isNull();
    assertThat(buffer.inFlight()).isZero();
  }
}
