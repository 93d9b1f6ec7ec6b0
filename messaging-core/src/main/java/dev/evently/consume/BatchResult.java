package dev.evently.consume;

import dev.evently.event.Event;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link BatchHandler} reports: which events of its batch failed, and why. Every event not
 * listed succeeded. Events are matched by identity: list the very {@link Event} objects the handler
 * was given. Immutable.
 *
 * <pre>{@code
 * BatchResult.Builder result = BatchResult.builder();
 * for (Event<OrderCreated> e : events) {
 *   try { insert(e.data()); } catch (SQLException ex) { result.failed(e, ex); }
 * }
 * return result.build();
 * }</pre>
 */
public final class BatchResult {
  private static final BatchResult SUCCESS = new BatchResult(Map.of());

  private final Map<Event<?>, Throwable> failures;

  private BatchResult(Map<Event<?>, Throwable> failures) {
    this.failures = failures;
  }

  /** Every event of the batch succeeded. */
  public static BatchResult success() {
    return SUCCESS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The failed events with their causes (identity-keyed, unmodifiable). */
  public Map<Event<?>, Throwable> failures() {
    return failures;
  }

  /** True when no event failed. */
  public boolean allSucceeded() {
    return failures.isEmpty();
  }

  /** The cause for {@code event} (by identity), or null when it succeeded. */
  public Throwable failureOf(Event<?> event) {
    return failures.get(event);
  }

  /** Collects the failed events of a batch; not thread-safe. */
  public static final class Builder {
    private final Map<Event<?>, Throwable> failures = new IdentityHashMap<>();

    private Builder() {}

    /**
     * Marks {@code event} as failed: retried with backoff, or dead-lettered at once when {@code
     * cause} is a {@link NonRetryableException}.
     */
    public Builder failed(Event<?> event, Throwable cause) {
      Objects.requireNonNull(event, "event must not be null");
      Objects.requireNonNull(cause, "cause must not be null");
      failures.put(event, cause);
      return this;
    }

    public BatchResult build() {
      return failures.isEmpty()
          ? SUCCESS
          : new BatchResult(Collections.unmodifiableMap(new IdentityHashMap<>(failures)));
    }
  }
}
