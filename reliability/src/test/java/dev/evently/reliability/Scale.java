package dev.evently.reliability;

import java.time.Duration;

/**
 * The size of a run: {@code short} (the normal {@code ./mvnw verify}, a few minutes in all) or
 * {@code full} ({@code -Dreliability=full}, {@code reliability/run.sh --full}). Every scenario
 * runs in both; only its numbers change.
 */
final class Scale {
  static final boolean FULL = "full".equalsIgnoreCase(System.getProperty("reliability", "short"));

  private Scale() {}

  static int pick(int shortRun, int fullRun) {
    return FULL ? fullRun : shortRun;
  }

  static Duration pick(Duration shortRun, Duration fullRun) {
    return FULL ? fullRun : shortRun;
  }

  static String name() {
    return FULL ? "full" : "short";
  }
}
