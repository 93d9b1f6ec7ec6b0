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

  /** The logical name for an AWS resource name, if it carries this prefix and suffix. */
  public java.util.Optional<String> logical(String physical) {
    boolean fifo = physical.endsWith(FIFO);
    String base = fifo ? physical.substring(0, physical.length() - FIFO.length()) : physical;
    if (!base.startsWith(prefix) || !base.endsWith(suffix) || base.length() < prefix.length() + suffix.length()) {
      return java.util.Optional.empty();
    }
    String core = base.substring(prefix.length(), base.length() - suffix.length());
    return java.util.Optional.of(fifo ? core + FIFO : core);
  }
}
