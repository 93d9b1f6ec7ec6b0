package dev.evently.consume.internal;

import dev.evently.internal.Threads;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The consumer-owned executor for handlers when the user gives none: on Java 24 and later, one
 * virtual thread per handler slot (from Java 24 a virtual thread blocked inside {@code
 * synchronized} no longer pins its carrier, JEP 491, so JDBC drivers and user code are safe on
 * them); before that, a pool of {@code concurrency} daemon platform threads. Detected at run time;
 * the library is compiled for Java 17.
 */
public final class HandlerThreads {
  /** The first Java release whose virtual threads do not pin on {@code synchronized}. */
  static final int VIRTUAL_FROM = 24;

  private HandlerThreads() {}

  /** True when {@link #executor} gives virtual threads on this runtime. */
  public static boolean virtual() {
    return Runtime.version().feature() >= VIRTUAL_FROM && virtualFactory("probe") != null;
  }

  public static ExecutorService executor(String prefix, int concurrency) {
    if (Runtime.version().feature() >= VIRTUAL_FROM) {
      ThreadFactory factory = virtualFactory(prefix);
      if (factory != null) {
        try {
          return (ExecutorService)
              Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, factory);
        } catch (ReflectiveOperationException e) {
          // fall back to platform threads
        }
      }
    }
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            concurrency, concurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Threads.daemon(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** {@code Thread.ofVirtual().name(prefix + "-", 1).factory()}, or null before Java 21. */
  private static ThreadFactory virtualFactory(String prefix) {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      Method name = ofVirtual.getMethod("name", String.class, long.class);
      builder = name.invoke(builder, prefix + "-", 1L);
      return (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
