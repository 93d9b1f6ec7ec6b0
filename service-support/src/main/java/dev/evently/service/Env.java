package dev.evently.service;

import java.util.Map;

/**
 * Reads a service's settings from environment variables, with defaults. A malformed value fails
 * at start-up with an {@link IllegalArgumentException} naming the variable.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  /** The process environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  public String get(String name, String defaultValue) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  public int port(String name, int defaultValue) {
    String value = get(name, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number (0..65535) but was '" + value + "'");
    }
  }
}
