package dev.evently.service;

import java.util.concurrent.Callable;

/** The {@code main} of a reference service: start, or print why not and exit non-zero. */
public final class Launcher {
  private Launcher() {}

  /** Runs {@code start}; on failure prints "{@code service} failed to start: ..." and exits 1. */
  public static void run(String service, Callable<ServiceRuntime> start) {
    try {
      start.call().closeOnShutdown();
    } catch (Exception e) {
      Throwable cause = e;
      StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
        if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
          message.append(": ").append(cause.getMessage());
        }
      }
      System.err.println(service + " failed to start: " + message);
      org.slf4j.LoggerFactory.getLogger(Launcher.class).debug("start-up failure", e);
      System.exit(1);
    }
  }
}
