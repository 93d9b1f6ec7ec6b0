package dev.evently.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one way evently makes its threads: daemon threads named {@code prefix-N}. Not public API. */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A one-thread daemon scheduler whose cancelled tasks leave its queue at once. */
  public static ScheduledThreadPoolExecutor scheduler(String prefix) {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon(prefix));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }
}
