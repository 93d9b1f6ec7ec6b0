package dev.evently.publish.internal;

/** How SNS counts a message's size: UTF-8 bytes of the body plus each attribute's name, type and value. */
public final class MessageSize {
  private MessageSize() {}

  /** The UTF-8 length of {@code s}, without encoding it. */
  public static int utf8Length(CharSequence s) {
    int len = s.length();
    int bytes = len;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 2; // 4 bytes for the pair, 2 chars already counted
        i++;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      } // a lone surrogate is encoded as '?': 1 byte
    }
    return bytes;
  }

  /** The size SNS counts for one String attribute. */
  public static int stringAttribute(String name, String value) {
    return utf8Length(name) + "String".length() + utf8Length(value);
  }
}
