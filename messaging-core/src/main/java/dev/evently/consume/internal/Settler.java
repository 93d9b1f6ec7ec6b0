package dev.evently.consume.internal;

import dev.evently.consume.internal.Decision.Ack;
import dev.evently.consume.internal.Decision.DeadLetter;
import dev.evently.consume.internal.Decision.Handled;
import dev.evently.consume.internal.Decision.Outcome;
import dev.evently.consume.internal.Decision.Policy;
import dev.evently.consume.internal.Decision.Retry;
import dev.evently.event.DecodeFailure;
import dev.evently.event.EventDecodingException;
import io.opentelemetry.api.trace.Span;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what {@link Decision} decides for a message: delete it, change its visibility, or
 * copy it to the dead-letter queue and delete it once the copy is stored (if the copy fails, it is
 * retried like a failure). Logs each outcome (never a body: decoding errors show only their reason,
 * event id and type above DEBUG) and counts dead letters. Thread-safe.
 */
public final class Settler {
  private static final Logger LOG = LoggerFactory.getLogger(Settler.class);

  private final Acknowledger acknowledger;
  private final DeadLetterer deadLetterer;
  private final Policy policy;
  private final ConsumerMetrics metrics;
  private final String consumer;
  private final boolean fifo;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final ConsumerTracing tracing;

  /** {@code deadLetterer} is null when the queue has no dead-letter queue; {@code tracing} null when not tracing. */
  public Settler(
      Acknowledger acknowledger,
      DeadLetterer deadLetterer,
      Policy policy,
      ConsumerMetrics metrics,
      String consumer,
      boolean fifo,
      ConsumerTracing tracing) {
    this.acknowledger = acknowledger;
    this.deadLetterer = deadLetterer;
    this.policy = policy;
    this.metrics = metrics;
    this.consumer = consumer;
    this.fifo = fifo;
    this.tracing = tracing;
  }

  /**
   * Decides and carries out the fate of {@code m}.
   *
   * @return true when the message is out of its FIFO group's way: deleted, or (FIFO queues, which
   *     wait for the copy) stored in the dead-letter queue; false when it stays on the queue
   */
  public boolean settle(InFlightMessage m, Handled handled) {
    Outcome outcome = Decision.decide(handled, m.receiveCount(), policy, ThreadLocalRandom.current().nextDouble());
    if (outcome instanceof Ack) {
      acknowledger.delete(m);
      LOG.debug("consumer '{}': handled message {}", consumer, m.messageId());
      return true;
    }
    if (outcome instanceof Retry r) {
      retry(m, r);
      return false;
    }
    return deadLetter(m, (DeadLetter) outcome);
  }

  /** Gives an unstarted message back to the queue at once. */
  public void release(InFlightMessage m) {
    acknowledger.changeVisibility(m, 0);
  }

  /** Completes when every dead-letter copy sent so far has been answered. */
  public CompletableFuture<Void> drain() {
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  private void retry(InFlightMessage m, Retry r) {
    if (r.poisonReason() != null) {
      LOG.error(
          "consumer '{}': message {} can never succeed ({}) but there is no dead-letter queue; retrying",
          consumer,
          m.messageId(),
          describe(r.poisonReason(), r.error()));
    } else {
      LOG.warn(
          "consumer '{}': message {} failed on attempt {}{}; {}: {}",
          consumer,
          m.messageId(),
          m.receiveCount(),
          policy.maxReceiveCount() > 0 ? " of " + policy.maxReceiveCount() : "",
          r.lastAttempt() ? "leaving it to the redrive policy" : "retrying in " + r.visibilitySeconds() + " s",
          r.error() instanceof EventDecodingException ? loggable(r.error()) : String.valueOf(r.error()));
      LOG.debug("consumer '{}': failure of message {}", consumer, m.messageId(), r.error());
    }
    acknowledger.changeVisibility(m, r.visibilitySeconds());
  }

  private boolean deadLetter(InFlightMessage m, DeadLetter d) {
    Span span = tracing == null ? null : tracing.startDeadLetter(m, d.reason());
    CompletableFuture<Boolean> done =
        deadLetterer
            .send(m, d.reason(), d.error())
            .handle(
                (response, sendError) -> {
                  if (span != null) {
                    ConsumerTracing.end(span, sendError);
                  }
                  if (sendError == null) {
                    LOG.warn(
                        "consumer '{}': moved message {} to the dead-letter queue: {}",
                        consumer,
                        m.messageId(),
                        describe(d.reason(), d.error()));
                    metrics.deadLettered(d.reason());
                    acknowledger.delete(m);
                    return true;
                  }
                  LOG.error(
                      "consumer '{}': could not dead-letter message {} ({}); it stays on the queue",
                      consumer,
                      m.messageId(),
                      Acknowledger.unwrap(sendError).toString());
                  retry(m, Decision.retry(d.error(), m.receiveCount(), policy, ThreadLocalRandom.current().nextDouble()));
                  return false;
                });
    pending.add(done);
    done.whenComplete((r, t) -> pending.remove(done));
    // on a FIFO queue the rest of the group goes on only once the message is out of its way
    return !fifo || done.join();
  }

  private static String describe(String reason, Throwable error) {
    String message = loggable(error);
    return message.startsWith(reason) ? message : reason + ": " + message;
  }

  /**
   * An error's message as logs show it. For a decoding error only its reason, event id and type
   * (the event's registered type; an unknown one is the sender's text and is left out); its
   * message, which names the field at fault but never a value, is in the dead-letter attributes.
   */
  static String loggable(Throwable error) {
    if (error instanceof EventDecodingException e) {
      // an unknown type is the sender's free text: not logged
      String type = e.reason() == DecodeFailure.UNKNOWN_TYPE ? "not registered" : String.valueOf(e.eventType());
      return e.reason() + " (event id " + e.eventId() + ", type " + type + ")";
    }
    return error == null ? "null" : String.valueOf(error.getMessage());
  }
}
