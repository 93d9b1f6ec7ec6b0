package dev.evently.outbox;

import dev.evently.internal.Threads;
import dev.evently.retry.Backoff;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's loop on one daemon thread: runs cycles while they publish rows, and when one
 * publishes nothing waits the idle backoff (doubling from the minimum to the maximum poll interval)
 * unless {@link #wakeUp()} is called (a write in this process, a PostgreSQL notification, an
 * unparked row), after which it polls at once. A failed cycle is logged and retried after the
 * maximum poll interval.
 */
final class RelayLoop {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final IntSupplier cycle;
  private final Runnable afterCycle;
  private final Backoff idle;
  private final String table;
  private final Semaphore wakeups = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long idleDelayMs;

  /** {@code cycle} returns how many rows it published; {@code afterCycle} runs after each (purge). */
  RelayLoop(IntSupplier cycle, Runnable afterCycle, Duration minPoll, Duration maxPoll, String table) {
    this.cycle = cycle;
    this.afterCycle = afterCycle;
    this.idle = new Backoff(minPoll, 2.0, maxPoll, 0.0);
    this.table = table;
    this.thread = Threads.daemon("evently-outbox-relay").newThread(this::run);
  }

  void start() {
    thread.start();
  }

  void wakeUp() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  /** The current wait between empty polls. */
  long idleDelayMillis() {
    return idleDelayMs;
  }

  /** Stops the loop and waits for the cycle in progress, at most {@code wait}. */
  void stop(Duration wait) {
    running = false;
    wakeUp();
    if (thread != Thread.currentThread()) {
      try {
        thread.join(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    int idleRounds = 0;
    while (running) {
      long delayMs;
      try {
        int published = cycle.getAsInt();
        afterCycle.run();
        idleRounds = published > 0 ? 0 : idleRounds + 1;
        delayMs = idleRounds == 0 ? 0 : idle.delay(idleRounds, 0.0).toMillis();
      } catch (RuntimeException e) {
        log.warn("outbox relay on {} failed, retrying in {}: {}", table, idle.max(), e.toString());
        delayMs = idle.max().toMillis();
        idleRounds = Math.max(idleRounds, 64);
      }
      idleDelayMs = delayMs;
      if (delayMs > 0 && running) {
        try {
          if (wakeups.tryAcquire(delayMs, TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
            idleRounds = 0;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
