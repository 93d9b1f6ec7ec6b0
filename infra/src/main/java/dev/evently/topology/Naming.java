package dev.evently.topology;

import java.util.regex.Pattern;

/**
 * Maps logical names from the topology file to AWS resource names: {@code prefix + name + suffix},
 * with a {@code .fifo} ending kept last. The same file can so be applied several times side by
 * side (per environment, or per test). Immutable.
 */
public record Naming(String prefix, String suffix) {

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_-]*");
  private static final String FIFO = ".fifo";

  /** Resource names equal logical names. */
  public static final Naming NONE = new Naming("", "");

  public Naming {
    if (prefix == null || !ALLOWED.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix must contain only letters, digits, '-' and '_': " + prefix);
    }
    if (suffix == null || !ALLOWED.matcher(suffix).matches()) {
      throw new IllegalArgumentException("suffix must contain only letters, digits, '-' and '_': " + suffix);
    }
  }

  public static Naming prefix(String prefix) {
    return new Naming(prefix, "");
  }

  /** The AWS resource name for a logical topic or queue name. */
  public String physical(String logical) {
    if (logical.endsWith(FIFO)) {
      return prefix + logical.substring(0, logical.length() - FIFO.length()) + suffix + FIFO;
    }
    return prefix + logical + suffix;
  }
}
