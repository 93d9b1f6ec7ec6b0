package dev.evently.idempotency;

import dev.evently.consume.Middleware;
import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import dev.evently.idempotency.internal.PayloadHash;
import dev.evently.idempotency.internal.Schedulers;
import dev.evently.internal.Checks;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency as consumer {@link Middleware}, for every handler of a consumer at once: claim the
 * event in an {@link IdempotencyStore}, run the rest of the chain, complete the claim.
 *
 * <pre>{@code
 * SqsConsumer.builder()...
 *     .use(IdempotencyMiddleware.builder(store, "customer-service").lease(Duration.ofSeconds(30)).build())
 * }</pre>
 *
 * <ul>
 *   <li>A copy of a completed event returns without proceeding (the message is deleted).
 *   <li>A copy that arrives while another delivery holds the claim throws {@link
 *       DuplicateInProgressException} (retryable: it comes back after its visibility timeout).
 *   <li>A failure of the chain releases the claim and rethrows, so the redelivery runs it again.
 *   <li>While the chain runs, the claim is renewed every third of {@code lease}. Set {@code lease}
 *       to the consumer's visibility timeout: the claim then lives exactly as long as the
 *       consumer's visibility heartbeat keeps the message hidden, and when the process dies both
 *       lapse together, so the redelivery can take the claim over.
 *   <li>With {@link Builder#checkPayload(boolean)}, a copy whose payload hash differs from the first
 *       one's throws {@link NonRetryableException} ("duplicate event id with a different payload").
 * </ul>
 *
 * <p>The handler's effect and the store's record are not one transaction: a crash between the
 * effect and {@code complete} runs the handler again after the lease. When the effect is a
 * database write, use {@link JdbcIdempotencyMiddleware} (or {@link JdbcIdempotentHandler}) for
 * exactly-once effects. Batch handlers are not wrapped (dedupe inside the batch write instead, e.g.
 * with {@code INSERT ... ON CONFLICT DO NOTHING} keyed on the event id). Thread-safe.
 */
public final class IdempotencyMiddleware implements Middleware {
  private static final Logger log = LoggerFactory.getLogger(IdempotencyMiddleware.class);

  /** The work a claim guards. */
  @FunctionalInterface
  interface Guarded {
    void run() throws Exception;
  }

  private final IdempotencyStore store;
  private final String consumerName;
  private final Duration lease;
  private final boolean checkPayload;
  private final ScheduledExecutorService scheduler;

  private IdempotencyMiddleware(Builder b) {
    this.store = b.store;
    this.consumerName = b.consumerName;
    this.lease = b.lease;
    this.checkPayload = b.checkPayload;
    this.scheduler = b.scheduler != null ? b.scheduler : Schedulers.shared();
  }

  public static Builder builder(IdempotencyStore store, String consumerName) {
    return new Builder(store, consumerName);
  }

  @Override
  public void handle(Chain chain) throws Exception {
    runOnce(chain.event(), chain::proceed);
  }

  /** Runs {@code work} unless {@code event} was already processed by this consumer. */
  void runOnce(Event<?> event, Guarded work) throws Exception {
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
      work.run();
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

  /** Builder; the store and the consumer name are required. */
  public static final class Builder {
    private final IdempotencyStore store;
    private final String consumerName;
    private Duration lease = Duration.ofSeconds(30);
    private boolean checkPayload;
    private ScheduledExecutorService scheduler;

    private Builder(IdempotencyStore store, String consumerName) {
      this.store = Checks.notNull(store, "store");
      this.consumerName = requireConsumerName(consumerName);
    }

    /** The claim's lease; set it to the consumer's visibility timeout. Default 30 s. */
    public Builder lease(Duration lease) {
      InMemoryIdempotencyStore.requireLease(lease);
      this.lease = lease;
      return this;
    }

    /** Treat a known event id with a different payload as poison. Default false. */
    public Builder checkPayload(boolean checkPayload) {
      this.checkPayload = checkPayload;
      return this;
    }

    /** Where lease renewals run. Default a shared daemon thread. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    public IdempotencyMiddleware build() {
      return new IdempotencyMiddleware(this);
    }
  }

  static String requireConsumerName(String consumerName) {
    if (consumerName == null || consumerName.isBlank() || consumerName.length() > 200) {
      throw new IllegalArgumentException("consumerName must be 1..200 characters, not blank");
    }
    return consumerName;
  }
}
