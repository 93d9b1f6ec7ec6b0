package dev.evently.consume.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Collects entries and sends them in batches of at most {@link #MAX_BATCH}: at once when a full
 * batch is queued, otherwise on {@link #flush()} (called periodically and at shutdown). Adding
 * never blocks and takes no lock.
 */
public final class Batcher<E> {
  public static final int MAX_BATCH = 10;

  private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final Function<List<E>, CompletableFuture<?>> sender;

  /** {@code sender} sends one batch and must complete its future whatever the outcome. */
  public Batcher(Function<List<E>, CompletableFuture<?>> sender) {
    this.sender = sender;
  }

  public void add(E entry) {
    queue.add(entry);
    if (size.incrementAndGet() >= MAX_BATCH) {
      List<E> batch = take();
      if (!batch.isEmpty()) {
        send(batch);
      }
    }
  }

  /** Sends everything queued now. */
  public void flush() {
    List<E> batch;
    while (!(batch = take()).isEmpty()) {
      send(batch);
    }
  }

  /** Flushes and returns a future completing when every batch sent so far has completed. */
  public CompletableFuture<Void> flushAndDrain() {
    flush();
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  public int queued() {
    return size.get();
  }

  private List<E> take() {
    List<E> batch = new ArrayList<>(MAX_BATCH);
    E e;
    while (batch.size() < MAX_BATCH && (e = queue.poll()) != null) {
      batch.add(e);
      size.decrementAndGet();
    }
    return batch;
  }

  private void send(List<E> batch) {
    CompletableFuture<?> f;
    try {
      f = sender.apply(batch);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> done = f.handle((r, t) -> null);
    pending.add(done);
    done.whenComplete((r, t) -> pending.remove(done));
  }
}
