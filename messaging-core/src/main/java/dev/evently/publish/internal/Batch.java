package dev.evently.publish.internal;

import java.util.ArrayList;
import java.util.List;

/** Entries that go out in one batch call, and their total size. Not thread-safe. */
public final class Batch<T> {
  private final List<T> entries;
  private long bytes;

  Batch(int capacity) {
    this.entries = new ArrayList<>(capacity);
  }

  void add(T entry, int size) {
    entries.add(entry);
    bytes += size;
  }

  public List<T> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public long bytes() {
    return bytes;
  }
}
