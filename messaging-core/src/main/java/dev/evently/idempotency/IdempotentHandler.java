package dev.evently.idempotency;

import dev.evently.consume.EventHandler;
import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.internal.Checks;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Makes one {@link EventHandler} idempotent with an {@link IdempotencyStore}: claim the event,
 * run the handler, complete the claim. The same rules as {@link IdempotencyMiddleware}, which
 * does this for every handler of a consumer:
 *
 * <ul>
 *   <li>A copy of a completed event returns normally without running the handler (the message is
 *       deleted).
 *   <li>A copy that arrives while another delivery holds the claim throws {@link
 *       DuplicateInProgressException} (retryable: it comes back after its visibility timeout).
 *   <li>A handler failure releases the claim and rethrows, so the redelivery runs the handler.
 *   <li>While the handler runs, the claim is renewed every third of {@code lease}; set {@code lease}
 *       to the consumer's visibility timeout.
 *   <li>With {@link Builder#checkPayload(boolean)}, a copy whose payload hash differs from the first
 *       one's throws {@link NonRetryableException}.
 * </ul>
 *
 * <p>The handler's effect and the store's record are not one transaction: a crash between the
 * effect and {@code complete} runs the handler again after the lease. When the effect is a
 * database write, use {@link JdbcIdempotentHandler} for exactly-once effects. Thread-safe.
 */
public final class IdempotentHandler<T> implements EventHandler<T> {
  private final IdempotencyMiddleware idempotency;
  private final EventHandler<T> handler;

  private IdempotentHandler(IdempotencyMiddleware idempotency, EventHandler<T> handler) {
    this.idempotency = idempotency;
    this.handler = handler;
  }

  /** {@code handler} made idempotent with the default lease (30 s, the SQS default visibility). */
  public static <T> IdempotentHandler<T> of(IdempotencyStore store, String consumerName, EventHandler<T> handler) {
    return builder(store, consumerName, handler).build();
  }

  public static <T> Builder<T> builder(IdempotencyStore store, String consumerName, EventHandler<T> handler) {
    return new Builder<>(store, consumerName, handler);
  }

  @Override
  public void handle(Event<T> event) throws Exception {
    idempotency.runOnce(event, () -> handler.handle(event));
  }

  /** Builder; the store, the consumer name and the handler are required. */
  public static final class Builder<T> {
    private final IdempotencyMiddleware.Builder settings;
    private final EventHandler<T> handler;

    private Builder(IdempotencyStore store, String consumerName, EventHandler<T> handler) {
      this.settings = IdempotencyMiddleware.builder(store, consumerName);
      this.handler = Checks.notNull(handler, "handler");
    }

    /** The claim's lease; set it to the consumer's visibility timeout. Default 30 s. */
    public Builder<T> lease(Duration lease) {
      settings.lease(lease);
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder<T> checkPayload(boolean checkPayload) {
      settings.checkPayload(checkPayload);
      return this;
    }

    /** Where lease renewals run. Default a shared daemon thread. */
    public Builder<T> scheduler(ScheduledExecutorService scheduler) {
      settings.scheduler(scheduler);
      return this;
    }

    public IdempotentHandler<T> build() {
      return new IdempotentHandler<>(settings.build(), handler);
    }
  }
}
