package dev.evently.consume.internal;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps held messages invisible: every {@link #periodMillis(int)} it extends, by one visibility
 * timeout, each held message (prefetched or running) that is within half a visibility timeout of
 * reappearing, never past SQS's 12 hours since its receipt. Extensions stop when a message is no
 * longer held. A refused extension is made again at the next scan (see {@link Acknowledger}).
 * Called from one scheduler thread.
 */
public final class Heartbeat implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final Collection<InFlightMessage> held;
  private final Acknowledger acknowledger;
  private final int visibilitySeconds;
  private final String consumer;

  public Heartbeat(Collection<InFlightMessage> held, Acknowledger acknowledger, int visibilitySeconds, String consumer) {
    this.held = held;
    this.acknowledger = acknowledger;
    this.visibilitySeconds = visibilitySeconds;
    this.consumer = consumer;
  }

  /** How often to scan: a quarter of the visibility timeout, between 100 ms and 1 s. */
  public static long periodMillis(int visibilitySeconds) {
    return Math.max(100, Math.min(1000, visibilitySeconds * 1000L / 4));
  }

  @Override
  public void run() {
    try {
      scan(System.nanoTime());
    } catch (RuntimeException e) {
      LOG.warn("consumer '{}': visibility heartbeat failed", consumer, e);
    }
  }

  void scan(long now) {
    long visNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds);
    long maxSeconds = Decision.MAX_VISIBILITY_SECONDS;
    boolean any = false;
    for (InFlightMessage m : held) {
      if (!m.isHeld() || m.visibleAtNanos() - now > visNanos / 2) {
        continue;
      }
      long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - m.receivedNanos()) + 1;
      int seconds = (int) Math.min(visibilitySeconds, maxSeconds - elapsed);
      if (seconds <= 0) {
        continue;
      }
      acknowledger.extend(m, seconds, now + TimeUnit.SECONDS.toNanos(seconds));
      any = true;
    }
    if (any) {
      acknowledger.flushVisibility();
    }
  }
}
