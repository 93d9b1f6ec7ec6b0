package dev.evently.idempotency.internal;

import dev.evently.internal.Threads;
import java.util.concurrent.ScheduledExecutorService;

/** The shared daemon scheduler for lease renewals and cleaners when the user gives none. */
public final class Schedulers {
  private static final ScheduledExecutorService SHARED = Threads.scheduler("evently-idempotency");

  private Schedulers() {}

  public static ScheduledExecutorService shared() {
    return SHARED;
  }
}
