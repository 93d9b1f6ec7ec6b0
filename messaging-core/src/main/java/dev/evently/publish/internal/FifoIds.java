package dev.evently.publish.internal;

/** SNS's rules for FIFO MessageGroupId and MessageDeduplicationId values. */
public final class FifoIds {
  /** The longest id SNS accepts. */
  public static final int MAX_LENGTH = 128;

  private FifoIds() {}

  /**
   * Why SNS would refuse {@code id} as a FIFO MessageGroupId or MessageDeduplicationId (1..128
   * characters: a-z, A-Z, 0-9 and ASCII punctuation), or null when it would not. Names the length
   * or the position of the first character at fault, never the id.
   */
  public static String problem(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_LENGTH) {
      return "must have 1.." + MAX_LENGTH + " characters but has " + length + " characters";
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c < '!' || c > '~') {
        return String.format(
            "may contain only a-z, A-Z, 0-9 and punctuation but has '%c' at index %d (U+%04X)", c, i, (int) c);
      }
    }
    return null;
  }
}
