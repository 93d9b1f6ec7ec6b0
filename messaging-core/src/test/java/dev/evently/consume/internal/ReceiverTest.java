package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many messages may wait for a handler before receiving slows down. */
class ReceiverTest {
  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void fastHandlersMayUseTheWholePrefetch() {
    // 10 slots, 20 ms round trips, 50 µs handlers: they take 4,000 messages per round trip
    assertThat(Receiver.bufferTarget(10, 500, ms(20), TimeUnit.MICROSECONDS.toNanos(50))).isEqualTo(500);
  }

  @Test
  void slowHandlersGetAboutOneWaitingMessagePerSlot() {
    // 1 s handlers take 0.2 messages per 20 ms round trip and slot: one round of the slots waits
    assertThat(Receiver.bufferTarget(10, 500, ms(20), ms(1000))).isEqualTo(10);
  }

  @Test
  void inBetweenTheTargetIsTheIntakeDuringOneRoundTrip() {
    // 100 slots, 40 ms round trips, 20 ms handlers: 200 messages per round trip
    assertThat(Receiver.bufferTarget(100, 500, ms(40), ms(20))).isEqualTo(200);
  }

  @Test
  void beforeAnythingIsMeasuredTheTargetIsOneRoundOfTheSlots() {
    assertThat(Receiver.bufferTarget(20, 500, 0, 0)).isEqualTo(20);
    assertThat(Receiver.bufferTarget(20, 0, ms(20), 0)).isEqualTo(20); // no prefetch: nothing waits anyway
  }
}
