package dev.evently.service;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a service started, in the reverse order of registration, once: register the
 * datasource first and the consumer last, and the consumer stops first (in-flight handlers
 * finish), then the outbox relay flushes, then the publisher, the HTTP server and the pool close.
 * A failing close is logged and the rest still close. Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<Named> resources = new ArrayDeque<>();
  private boolean closed;

  private record Named(String name, AutoCloseable resource) {}

  /** Registers {@code resource}, returns it; it will be closed before everything registered earlier. */
  public synchronized <T extends AutoCloseable> T register(String name, T resource) {
    if (closed) {
      throw new IllegalStateException("already closed");
    }
    resources.push(new Named(name, resource));
    return resource;
  }

  /** Closes this on SIGTERM / normal JVM exit. */
  public void closeOnShutdown(String service) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{} shutting down", service);
                  close();
                  log.info("{} stopped", service);
                },
                service + "-shutdown"));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!resources.isEmpty()) {
      Named named = resources.pop();
      try {
        named.resource().close();
        log.debug("closed {}", named.name());
      } catch (Exception e) {
        log.warn("closing {} failed: {}", named.name(), e.toString());
      }
    }
  }
}
