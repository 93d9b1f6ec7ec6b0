package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandlerThreadsTest {
  @Test
  void handlersRunOnVirtualThreadsFromJava24AndOnNamedDaemonThreadsBefore() throws Exception {
    boolean expectVirtual = Runtime.version().feature() >= HandlerThreads.VIRTUAL_FROM;
    assertThat(HandlerThreads.virtual()).isEqualTo(expectVirtual);
    ExecutorService executor = HandlerThreads.executor("evently-test-handler", 2);
    try {
      Thread t = CompletableFuture.supplyAsync(Thread::currentThread, executor).get(10, TimeUnit.SECONDS);
      assertThat(t.getName()).startsWith("evently-test-handler-");
      assertThat(t.isDaemon()).isTrue(); // virtual threads are always daemons
      assertThat(t.toString().contains("VirtualThread")).isEqualTo(expectVirtual);
    } finally {
      executor.shutdownNow();
    }
  }
}
