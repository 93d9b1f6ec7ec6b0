package dev.evently.internal;

/** Argument checks shared by the builders; each names the field at fault. Not public API. */
public final class Checks {
  private Checks() {}

  /** {@code value}, or an {@link IllegalArgumentException} "{@code field} must not be null". */
  public static <T> T notNull(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  /** {@code value}, or an {@link IllegalArgumentException} naming {@code field} when null or blank. */
  public static String notBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  /** {@code value}, or an {@link IllegalArgumentException} "{@code field} must be in min..max". */
  public static int inRange(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be in " + min + ".." + max);
    }
    return value;
  }

  /** {@code value}, or an {@link IllegalArgumentException} "{@code field} must be set" (a required option). */
  public static <T> T isSet(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be set");
    }
    return value;
  }

  /** {@code value}, or an {@link IllegalArgumentException} "{@code field} must be between min and max". */
  public static int between(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max);
    }
    return value;
  }
}
