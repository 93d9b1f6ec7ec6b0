package dev.evently.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.5);

  @Test
  void growsExponentiallyFromTheFirstAttemptUpToTheCap() {
    assertThat(backoff.delay(1, 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(2, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(3, 0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(4, 0)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.delay(5, 0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delay(10_000, 0)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void jitterSubtractsAtMostItsFraction() {
    assertThat(backoff.delay(3, 0.999)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(2010));
    assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.withJitter(0).delay(3, 0.999)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void visibilitySecondsAreRoundedWholeSeconds() {
    assertThat(backoff.visibilitySeconds(1, 0)).isEqualTo(1);
    assertThat(backoff.visibilitySeconds(3, 0.5)).isEqualTo(3);
    assertThat(Backoff.fixed(Duration.ofMillis(400)).visibilitySeconds(7, 0)).isZero();
    assertThat(new Backoff(Duration.ofHours(1), 10, Duration.ofHours(12), 0).visibilitySeconds(9, 0))
        .isEqualTo(43_200);
  }

  @Test
  void fixedAndExponentialFactories() {
    assertThat(Backoff.fixed(Duration.ofSeconds(3)).delay(5, 0.9)).isEqualTo(Duration.ofSeconds(3));
    Backoff exp = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));
    assertThat(exp.multiplier()).isEqualTo(2.0);
    assertThat(exp.jitter()).isEqualTo(0.2);
    assertThat(exp.withMultiplier(3).delay(3, 0)).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void rejectsInvalidSettingsNamingTheField() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), 2, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0))
        .hasMessageContaining("max must be >= initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofHours(13), 0))
        .hasMessageContaining("12 hours");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.5))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> backoff.delay(0, 0)).hasMessageContaining("attempt");
    assertThatThrownBy(() -> backoff.delay(1, 1.0)).hasMessageContaining("random");
  }
}
