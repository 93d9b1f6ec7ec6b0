package dev.evently.outbox;

import dev.evently.internal.Threads;
import dev.evently.retry.Backoff;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL only: {@code LISTEN}s on the outbox table's channel on a connection of its own (taken
 * from the pool and held) and wakes the relay on every notification, which writers send in their
 * transaction ({@link OutboxTable#insert}) and PostgreSQL delivers when it commits. When the
 * connection fails it is given back, the relay goes on polling, and the listener connects again
 * after {@code reconnect}; once listening again it wakes the relay, which finds the rows committed
 * in between. One daemon thread; {@link #close()} stops it within about {@value #WAIT_MILLIS} ms.
 */
final class PgListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgListener.class);
  static final int WAIT_MILLIS = 250;

  private final DataSource dataSource;
  private final OutboxTable table;
  private final Runnable wake;
  private final Backoff reconnect;
  private final Thread thread;
  private final Object pause = new Object();
  private volatile boolean running = true;
  private volatile boolean listening;
  private volatile int backendPid;

  PgListener(DataSource dataSource, OutboxTable table, Runnable wake, Backoff reconnect) {
    this.dataSource = dataSource;
    this.table = table;
    this.wake = wake;
    this.reconnect = reconnect;
    this.thread = Threads.daemon("evently-outbox-listen").newThread(this::run);
  }

  void start() {
    thread.start();
  }

  /** Whether the listener is connected and listening now. */
  boolean listening() {
    return listening;
  }

  /** The PostgreSQL backend process of the listening connection (for tests), or 0. */
  int backendPid() {
    return backendPid;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        String channel = table.channel(c);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        backendPid = pg.getBackendPID();
        listening = true;
        if (failures > 0) {
          log.info("outbox relay on {} listens for notifications again", table.table());
        }
        failures = 0;
        wake.run(); // rows committed while nobody listened
        while (running) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
          if (notifications != null && notifications.length > 0) {
            wake.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        backendPid = 0;
        if (!running) {
          break;
        }
        failures++;
        long delay = reconnect.delay(failures).toMillis();
        log.warn("outbox relay on {} cannot listen for notifications ({}); polling until it can, next try in {} ms",
            table.table(), e.getClass().getSimpleName(), delay);
        synchronized (pause) {
          try {
            if (running) {
              TimeUnit.MILLISECONDS.timedWait(pause, Math.max(1, delay));
            }
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
    listening = false;
  }

  @Override
  public void close() {
    running = false;
    synchronized (pause) {
      pause.notifyAll();
    }
    if (thread != Thread.currentThread()) {
      try {
        thread.join(WAIT_MILLIS * 20L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
