package dev.evently.topology.dlq;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Short ages as the DLQ tools take them for "since": {@code 90s}, {@code 90m}, {@code 2h}, {@code 3d}. */
public final class Ages {
  private static final Pattern AGE = Pattern.compile("(\\d{1,6})([smhd])");

  private Ages() {}

  /** The age {@code text} names, or empty when it is not of that form (then it may be a time). */
  public static Optional<Duration> parse(String text) {
    Matcher age = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!age.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(age.group(1));
    return Optional.of(switch (age.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    });
  }
}
