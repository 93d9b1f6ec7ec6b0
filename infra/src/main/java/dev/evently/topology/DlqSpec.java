package dev.evently.topology;

import java.util.Objects;

/**
 * A queue's dead-letter queue. It is FIFO when its source queue is, and encrypted like it.
 *
 * @param name logical name, by default {@code <queue>-dlq} (before any {@code .fifo})
 * @param retentionSeconds how long dead letters are kept, 60..1209600
 */
public record DlqSpec(String name, int retentionSeconds) {
  public DlqSpec {
    Objects.requireNonNull(name, "name");
  }
}
