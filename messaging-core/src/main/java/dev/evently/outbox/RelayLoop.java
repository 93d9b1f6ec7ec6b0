package dev.evently.outbox;

import dev.evently.internal.Threads;
import dev.evently.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's loop: {@code workers} daemon threads, each running cycles while they publish rows
 * and, when one publishes nothing, waiting the idle backoff (doubling from the minimum to the
 * maximum poll interval) unless {@link #wakeUp()} is called (a write in this process, a PostgreSQL
 * notification, an unparked row), after which it polls at once. Several workers overlap their
 * cycles (one publishes while another claims or commits); they need {@code SKIP LOCKED} to take
 * different rows, so only PostgreSQL gets more than one. A failed cycle is logged and retried
 * after the maximum poll interval.
 */
final class RelayLoop {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final IntSupplier cycle;
  private final Runnable afterCycle;
  private final Backoff idle;
  private final String table;
  private final List<Worker> workers = new ArrayList<>();
  private volatile boolean running = true;

  /** {@code cycle} returns how many rows it published; {@code afterCycle} runs after each (purge). */
  RelayLoop(IntSupplier cycle, Runnable afterCycle, Duration minPoll, Duration maxPoll, String table, int workers) {
    this.cycle = cycle;
    this.afterCycle = afterCycle;
    this.idle = new Backoff(minPoll, 2.0, maxPoll, 0.0);
    this.table = table;
    ThreadFactory threads = Threads.daemon("evently-outbox-relay");
    for (int i = 0; i < workers; i++) {
      Worker w = new Worker();
      w.thread = threads.newThread(w::run);
      this.workers.add(w);
    }
  }

  void start() {
    workers.forEach(w -> w.thread.start());
  }

  void wakeUp() {
    for (Worker w : workers) {
      if (w.wakeups.availablePermits() == 0) {
        w.wakeups.release();
      }
    }
  }

  /** The first worker's current wait between empty polls. */
  long idleDelayMillis() {
    return workers.get(0).idleDelayMs;
  }

  /** Stops the workers and waits for the cycles in progress, at most {@code wait} in all. */
  void stop(Duration wait) {
    running = false;
    wakeUp();
    long deadline = System.nanoTime() + wait.toNanos();
    for (Worker w : workers) {
      if (w.thread == Thread.currentThread()) {
        continue;
      }
      try {
        w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Worker {
    final Semaphore wakeups = new Semaphore(0);
    volatile long idleDelayMs;
    Thread thread;

    void run() {
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
}
