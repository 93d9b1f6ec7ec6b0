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
}
