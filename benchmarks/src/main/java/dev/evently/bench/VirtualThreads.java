package dev.evently.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** {@code Executors.newVirtualThreadPerTaskExecutor()} when the runtime has it (Java 21+). */
final class VirtualThreads {
  private VirtualThreads() {}

  static Executor executor() {
    try {
      return (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21+ (this is " + Runtime.version() + ")", e);
    }
  }
}
