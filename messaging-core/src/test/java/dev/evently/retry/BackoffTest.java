package dev.evently.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff doubling = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(2), 0.5);

  @Test
  void growsByTheMultiplierPerAttemptUpToTheMaximumWithoutOverflow() {
    assertThat(doubling.delay(1, 0)).isEqualTo(Duration.ofMillis(50));
    assertThat(doubling.delay(2, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(doubling.delay(6, 0)).isEqualTo(Duration.ofMillis(1600));
    assertThat(doubling.delay(7, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(doubling.delay(100_000, 0)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void jitterTakesOffAtMostItsFraction() {
    assertThat(doubling.delay(3, 0.999_999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(101));
    for (int i = 0; i < 200; i++) {
      assertThat(doubling.delay(3)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }
    assertThat(Backoff.fixed(Duration.ofSeconds(3)).delay(9)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void settingsAreValidatedNamingTheField() {
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), 2, Duration.ZERO, 0)).hasMessage("initial must be >= 0");
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, 0.5, Duration.ZERO, 0)).hasMessageStartingWith("multiplier");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("max must be >= initial");
    assertThatThrownBy(() -> doubling.withJitter(1.5)).hasMessage("jitter must be between 0 and 1");
    assertThatThrownBy(() -> doubling.delay(0, 0)).hasMessage("attempt must be >= 1");
    assertThatThrownBy(() -> doubling.delay(1, 1.0)).hasMessage("random must be in [0, 1)");
  }
}
