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
}
