package dev.evently.publish.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Groups entries into batches of at most {@code maxEntries} entries and {@code maxBytes} bytes in
 * total, and hands out batches to send while fewer than {@code maxInFlight} are in flight.
 *
 * <p>A batch is ready when it is full (by count, or because the next entry would not fit) or, while
 * still open, when it is due: its linger has expired ({@link #lingerExpired}), linger is zero, or
 * {@link #flush()} was called. A due batch that finds no free slot stays open and keeps filling
 * until a slot frees, so a saturated publisher sends full batches. Thread-safe; the lock is never
 * held while sending.
 *
 * <p>Use: {@link #add} then drain with {@link #poll()} until null; after each sent batch has its
 * outcome call {@link #done()} and drain again.
 */
public final class BatchBuffer<T> {
  private final int maxEntries;
  private final long maxBytes;
  private final int maxInFlight;
  private final boolean dueAtOnce;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Batch<T>> ready = new ArrayDeque<>();
  private Batch<T> open;
  private boolean openDue;
  private boolean flushing;
  private int inFlight;

  /**
   * @param dueAtOnce true when linger is zero: a new batch is due as soon as it is opened
   */
  public BatchBuffer(int maxEntries, long maxBytes, int maxInFlight, boolean dueAtOnce) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxInFlight = maxInFlight;
    this.dueAtOnce = dueAtOnce;
  }

  /**
   * Adds an entry of {@code size} bytes ({@code 1..maxBytes}).
   *
   * @return the batch this call opened (the caller starts its linger timer), or null
   */
  public Batch<T> add(T entry, int size) {
    if (size < 1 || size > maxBytes) {
      throw new IllegalArgumentException("size must be in 1.." + maxBytes + " but was " + size);
    }
    lock.lock();
    try {
      Batch<T> opened = null;
      if (open != null && open.bytes() + size > maxBytes) {
        seal();
      }
      if (open == null) {
        open = new Batch<>(maxEntries);
        openDue = dueAtOnce || flushing;
        opened = open;
      }
      open.add(entry, size);
      if (open.size() >= maxEntries) {
        seal();
      }
      return opened;
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code batch} due if it is still the open one. */
  public void lingerExpired(Batch<T> batch) {
    lock.lock();
    try {
      if (open == batch) {
        openDue = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Makes the open batch, and every batch opened from now on, due at once. */
  public void flush() {
    lock.lock();
    try {
      flushing = true;
      if (open != null) {
        openDue = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next batch to send, counting it as in flight, or null when none is ready or no slot is
   * free.
   */
  public Batch<T> poll() {
    lock.lock();
    try {
      if (inFlight >= maxInFlight) {
        return null;
      }
      Batch<T> next = ready.poll();
      if (next == null && open != null && openDue) {
        next = open;
        open = null;
      }
      if (next != null) {
        inFlight++;
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** A batch handed out by {@link #poll()} has its outcome; frees its slot. */
  public void done() {
    lock.lock();
    try {
      if (inFlight == 0) {
        throw new IllegalStateException("done() without a batch in flight");
      }
      inFlight--;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes and returns every entry not yet handed out (ready batches, then the open one), for a
   * publisher that gives up on them. In-flight slots are not touched.
   */
  public List<T> drainAll() {
    lock.lock();
    try {
      List<T> entries = new ArrayList<>();
      for (Batch<T> batch : ready) {
        entries.addAll(batch.entries());
      }
      ready.clear();
      if (open != null) {
        entries.addAll(open.entries());
        open = null;
      }
      return entries;
    } finally {
      lock.unlock();
    }
  }

  /** Batches in flight (for tests and metrics). */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  private void seal() {
    ready.add(open);
    open = null;
  }
}
