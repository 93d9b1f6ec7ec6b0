package dev.evently.idempotency;

import dev.evently.internal.Checks;
import dev.evently.consume.EventHandler;
import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.idempotency.internal.PayloadHash;
import dev.evently.idempotency.internal.Schedulers;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an {@link EventHandler} idempotent with an {@link IdempotencyStore}: claim the event,
 * run the handler, complete the claim.
 *
 * <ul>
 *   <li>A copy of a completed event returns normally without running the handler (the message is
 *       deleted).
 *   <li>A copy that arrives while another delivery holds the claim throws {@link
 *       DuplicateInProgressException} (retryable: it comes back after its visibility timeout).
 *   <li>A handler failure releases the claim and rethrows, so the redelivery runs the handler.
 *   <li>While the handler runs, the claim is renewed every third of {@code lease}. Set {@code
 *       lease} to the consumer's visibility timeout: the claim then lives exactly as long as the
 *       consumer's visibility heartbeat keeps the message hidden, and when the process dies both
 *       lapse together, so the redelivery can take the claim over.
 *   <li>With {@link Builder#checkPayload(boolean)}, a copy whose payload hash differs from the first
 *       one's throws {@link NonRetryableException} ("duplicate event id with a different payload").
 * </ul>
 *
 * <p>The handler's effect and the store's record are not one transaction: a crash between the
 * effect and {@code complete} runs the handler again after the lease. When the effect is a
 * database write, use {@link JdbcIdempotentHandler} for exactly-once effects. Thread-safe.
 */
public final class IdempotentHandler<T> implements EventHandler<T> {
  private static final Logger log = LoggerFactory.getLogger(IdempotentHandler.class);

  private final IdempotencyStore store;
  private final String consumerName;
  private final EventHandler<T> handler;
  private final Duration lease;
  private final boolean checkPayload;
  private final ScheduledExecutorService scheduler;

  private IdempotentHandler(Builder<T> b) {
    this.store = b.store;
    this.consumerName = b.consumerName;
    this.handler = b.handler;
    this.lease = b.lease;
    this.checkPayload = b.checkPayload;
    this.scheduler = b.scheduler != null ? b.scheduler : Schedulers.shared();
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
    String hash = checkPayload ? PayloadHash.of(event) : null;
    Claim claim = store.claim(consumerName, event.id(), hash, lease);
    switch (claim.result()) {
      case ALREADY_COMPLETED:
        log.debug("event {} already processed by {}: acknowledging the copy", event.id(), consumerName);
        return;
      case IN_PROGRESS:
        throw new DuplicateInProgressException(consumerName, event.id());
      case PAYLOAD_MISMATCH:
        throw new NonRetryableException("duplicate event id with a different payload: " + event.id());
      case ACQUIRED:
      default:
        break;
    }
    long period = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal =
        scheduler.scheduleAtFixedRate(() -> renew(claim), period, period, TimeUnit.MILLISECONDS);
    try {
      handler.handle(event);
    } catch (Throwable t) {
      renewal.cancel(false);
      try {
        store.release(claim);
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    renewal.cancel(false);
    if (!store.complete(claim)) {
      log.warn(
          "claim of event {} by {} lapsed before the handler finished; another delivery may run it too"
              + " (raise the lease)",
          event.id(),
          consumerName);
    }
  }

  private void renew(Claim claim) {
    try {
      if (!store.renew(claim, lease)) {
        log.warn("claim of event {} by {} was lost while its handler runs", claim.eventId(), consumerName);
      }
    } catch (RuntimeException e) {
      log.warn("renewing the claim of event {} failed: {}", claim.eventId(), e.toString());
    }
  }

  /** Builder; the store, the consumer name and the handler are required. */
  public static final class Builder<T> {
    private final IdempotencyStore store;
    private final String consumerName;
    private final EventHandler<T> handler;
    private Duration lease = Duration.ofSeconds(30);
    private boolean checkPayload;
    private ScheduledExecutorService scheduler;

    private Builder(IdempotencyStore store, String consumerName, EventHandler<T> handler) {
      this.store = Checks.notNull(store, "store");
      this.consumerName = requireConsumerName(consumerName);
      this.handler = Checks.notNull(handler, "handler");
    }

    /** The claim's lease; set it to the consumer's visibility timeout. Default 30 s. */
    public Builder<T> lease(Duration lease) {
      InMemoryIdempotencyStore.requireLease(lease);
      this.lease = lease;
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder<T> checkPayload(boolean checkPayload) {
      this.checkPayload = checkPayload;
      return this;
    }

    /** Where lease renewals run. Default a shared daemon thread. */
    public Builder<T> scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    public IdempotentHandler<T> build() {
      return new IdempotentHandler<>(this);
    }
  }

  static String requireConsumerName(String consumerName) {
    if (consumerName == null || consumerName.isBlank() || consumerName.length() > 200) {
      throw new IllegalArgumentException("consumerName must be 1..200 characters, not blank");
    }
    return consumerName;
  }
}
