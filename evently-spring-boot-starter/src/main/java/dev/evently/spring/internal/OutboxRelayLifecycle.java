package dev.evently.spring.internal;

import dev.evently.outbox.OutboxRelay;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link OutboxRelay} with the context: built and started in phase {@link #PHASE} (before
 * the web server and the consumers, so their first writes are relayed), stopped after them, with a
 * last flush of the rows their final transactions wrote (at most {@code flushTimeout}). The
 * publishers are closed after this.
 */
public final class OutboxRelayLifecycle implements SmartLifecycle {
  /** Below the web server's phases and {@code EventlyConsumers.PHASE}: starts before them, stops after them. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(OutboxRelayLifecycle.class);

  private final Supplier<OutboxRelay> factory;
  private final Duration flushTimeout;
  private OutboxRelay relay;

  public OutboxRelayLifecycle(Supplier<OutboxRelay> factory, Duration flushTimeout) {
    this.factory = factory;
    this.flushTimeout = flushTimeout;
  }

  @Override
  public synchronized void start() {
    if (relay == null) {
      relay = factory.get();
      relay.start();
      log.info("evently outbox relay started");
    }
  }

  @Override
  public synchronized void stop() {
    OutboxRelay r = relay;
    if (r == null) {
      return;
    }
    relay = null;
    r.close();
    long deadline = System.nanoTime() + flushTimeout.toNanos();
    try {
      while (System.nanoTime() < deadline && r.relayOnce() > 0) {
        // publish what the last transactions wrote
      }
    } catch (RuntimeException e) {
      log.warn("evently outbox relay: the last flush failed, pending rows stay for the next start: {}", e.toString());
    }
    log.info("evently outbox relay stopped");
  }

  @Override
  public synchronized boolean isRunning() {
    return relay != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The running relay (for parked rows), or null when stopped. */
  public synchronized OutboxRelay relay() {
    return relay;
  }
}
