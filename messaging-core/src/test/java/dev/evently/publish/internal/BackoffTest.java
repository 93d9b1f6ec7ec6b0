package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));

  @Test
  void doublesPerRetryUpToTheMaximum() {
    assertThat(backoff.ceilingNanos(1)).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(backoff.ceilingNanos(2)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(backoff.ceilingNanos(6)).isEqualTo(Duration.ofMillis(1600).toNanos());
    assertThat(backoff.ceilingNanos(7)).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(backoff.ceilingNanos(1000)).as("no overflow").isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void jittersBetweenHalfAndAllOfTheCeiling() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      long d = backoff.delayNanos(3);
      assertThat(d).isBetween(Duration.ofMillis(100).toNanos(), Duration.ofMillis(200).toNanos());
      seen.add(d);
    }
    assertThat(seen).as("jitter").hasSizeGreaterThan(100);
  }

  @Test
  void validatesItsSettings() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessage("initialBackoff must be > 0");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("maxBackoff must be >= initialBackoff");
    assertThatThrownBy(() -> backoff.ceilingNanos(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
