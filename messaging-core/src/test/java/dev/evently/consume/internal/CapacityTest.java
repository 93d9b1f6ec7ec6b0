package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CapacityTest {
  @Test
  void reservesOnlyWhatIsFreeAndGivesBackTheRest() {
    Capacity c = new Capacity(12);
    assertThat(c.tryReserve(10)).isEqualTo(10);
    assertThat(c.tryReserve(10)).isEqualTo(2);
    assertThat(c.tryReserve(10)).isZero();
    assertThat(c.inUse()).isEqualTo(12);
    c.release(7);
    assertThat(c.free()).isEqualTo(7);
    assertThat(c.tryReserve(10)).isEqualTo(7);
  }

  @Test
  void aWaiterRunsOnceWhenASlotIsReleased() {
    Capacity c = new Capacity(1);
    c.tryReserve(1);
    AtomicInteger runs = new AtomicInteger();
    c.whenFree(runs::incrementAndGet);
    assertThat(runs).hasValue(0);
    c.release(1);
    assertThat(runs).hasValue(1);
    c.tryReserve(1);
    c.release(1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aWaiterRunsAtOnceWhenASlotIsAlreadyFree() {
    Capacity c = new Capacity(1);
    AtomicInteger runs = new AtomicInteger();
    c.whenFree(runs::incrementAndGet);
    assertThat(runs).hasValue(1);
  }

  @Test
  void reservesNothingBelowTheMinimum() {
    Capacity c = new Capacity(12);
    assertThat(c.tryReserve(10, 10)).isEqualTo(10);
    assertThat(c.tryReserve(10, 10)).isZero();
    assertThat(c.free()).isEqualTo(2);
    assertThat(c.tryReserve(10, 1)).isEqualTo(2);
  }

  @Test
  void aWaiterForABatchRunsOnlyOnceThatManySlotsAreFree() {
    Capacity c = new Capacity(10);
    c.tryReserve(10);
    AtomicInteger batch = new AtomicInteger();
    AtomicInteger single = new AtomicInteger();
    c.whenFree(10, batch::incrementAndGet);
    c.whenFree(1, single::incrementAndGet);
    c.release(1);
    assertThat(single).hasValue(1);
    assertThat(batch).hasValue(0);
    c.release(8);
    assertThat(batch).hasValue(0);
    c.release(1);
    assertThat(batch).hasValue(1);
    c.release(0);
    assertThat(batch).hasValue(1);
  }
}
