package dev.evently.consume.internal;

import dev.evently.retry.Backoff;
import dev.evently.consume.NonRetryableException;

/**
 * What happens to a message once its handler (or its decoding) is done: a pure function of the
 * handler's outcome, the message's receive count and the queue's redrive policy. No I/O, no
 * clock, no randomness of its own (the jitter's random number is an input), so every rule is a
 * table-driven unit test; {@link Settler} carries the decision out.
 *
 * <ul>
 *   <li>handler returned: {@link Ack} (delete);
 *   <li>handler threw (anything but {@link NonRetryableException}): {@link Retry} after the backoff
 *       for this receive count; on the last attempt the redrive policy allows, after 0 s, so SQS
 *       moves it to the dead-letter queue at once instead of after a backoff;
 *   <li>poison (undecodable, no handler for its type, or {@link NonRetryableException}): {@link
 *       DeadLetter} with the reason; without a dead-letter queue, {@link Retry} with backoff like a
 *       failure (never deleted), marked as poison so it is logged as an error;
 *   <li>{@link Unavailable} (a large event's payload not there): retried like a failure, but {@link
 *       DeadLetter} with its reason on the last attempt;
 *   <li>dead-lettering failed: as a failure;
 *   <li>held back by an open circuit breaker (where it cannot stay held): {@link Retry} after the
 *       breaker's wait, whatever the receive count.
 * </ul>
 */
public final class Decision {
  /** {@code dlq-reason} of a message whose handler threw {@link NonRetryableException}. */
  public static final String HANDLER_REJECTED = "HANDLER_REJECTED";

  private Decision() {}

  /** How a message's processing ended. */
  public sealed interface Handled permits Succeeded, Failed, Rejected, HeldBack, Unavailable {}

  /** The handler returned normally. */
  public record Succeeded() implements Handled {
    public static final Succeeded INSTANCE = new Succeeded();
  }

  /** The handler threw a retryable error. */
  public record Failed(Throwable error) implements Handled {}

  /** The message can never succeed: {@code reason} is a {@code DecodeFailure} name or {@link #HANDLER_REJECTED}. */
  public record Rejected(String reason, Throwable error) implements Handled {}

  /**
   * The circuit breaker is open: the handler was not run, or failed systemically once the breaker
   * opened. The dispatcher keeps such a message held (no new receive) where it can; otherwise it is
   * retried after the breaker's wait, {@code waitSeconds}.
   */
  public record HeldBack(Throwable error, int waitSeconds) implements Handled {}

  /**
   * Something the message needs is not there now (a large event's payload missing or unreadable):
   * retried with backoff like a failure, but dead-lettered with {@code reason} on the last attempt
   * the redrive policy allows, so the DLQ says why instead of showing a bare redrive.
   */
  public record Unavailable(String reason, Throwable error) implements Handled {}

  /** What to do with the message. */
  public sealed interface Outcome permits Ack, Retry, DeadLetter {}

  /** Delete it. */
  public record Ack() implements Outcome {
    public static final Ack INSTANCE = new Ack();
  }

  /**
   * Leave it on the queue, visible again after {@code visibilitySeconds}.
   *
   * @param lastAttempt the redrive policy moves it to the dead-letter queue at its next receive
   * @param poisonReason set when the message can never succeed but there is no dead-letter queue
   */
  public record Retry(int visibilitySeconds, boolean lastAttempt, String poisonReason, Throwable error)
      implements Outcome {}

  /** Copy it to the dead-letter queue with {@code reason}, then delete it. */
  public record DeadLetter(String reason, Throwable error) implements Outcome {}

  /**
   * The queue's redrive policy and the consumer's backoff.
   *
   * @param maxReceiveCount 0 without an effective redrive policy
   */
  public record Policy(int maxReceiveCount, boolean hasDeadLetterQueue, Backoff backoff) {}

  /** Classifies what a handler threw: {@link NonRetryableException} is poison, the rest retryable. */
  public static Handled ofHandlerError(Throwable error) {
    if (error instanceof CircuitOpenException open) {
      return new HeldBack(open.getCause(), open.waitSeconds());
    }
    return error instanceof NonRetryableException ? new Rejected(HANDLER_REJECTED, error) : new Failed(error);
  }

  /**
   * Decides the fate of a message received for the {@code receiveCount}-th time.
   *
   * @param random a number in [0, 1) choosing the backoff's jitter
   */
  public static Outcome decide(Handled handled, int receiveCount, Policy policy, double random) {
    if (handled instanceof Succeeded) {
      return Ack.INSTANCE;
    }
    if (handled instanceof Rejected r) {
      if (policy.hasDeadLetterQueue()) {
        return new DeadLetter(r.reason(), r.error());
      }
      return new Retry(backoffSeconds(receiveCount, policy, random), false, r.reason(), r.error());
    }
    if (handled instanceof Unavailable u) {
      boolean last = policy.maxReceiveCount() > 0 && receiveCount >= policy.maxReceiveCount();
      return last && policy.hasDeadLetterQueue()
          ? new DeadLetter(u.reason(), u.error())
          : retry(u.error(), receiveCount, policy, random);
    }
    if (handled instanceof HeldBack h) {
      // not the message's fault: wait for the breaker, never "last attempt, visible at once"
      return new Retry(h.waitSeconds(), false, null, h.error());
    }
    return retry(((Failed) handled).error(), receiveCount, policy, random);
  }

  /** A failed attempt, or a dead-lettering that failed: retry after the backoff, or at once on the last attempt. */
  public static Retry retry(Throwable error, int receiveCount, Policy policy, double random) {
    boolean last = policy.maxReceiveCount() > 0 && receiveCount >= policy.maxReceiveCount();
    return new Retry(last ? 0 : backoffSeconds(receiveCount, policy, random), last, null, error);
  }

  private static int backoffSeconds(int receiveCount, Policy policy, double random) {
    return visibilitySeconds(policy.backoff(), Math.max(1, receiveCount), random);
  }

  /** The longest visibility timeout SQS accepts: 12 hours, in seconds. */
  public static final int MAX_VISIBILITY_SECONDS = 43_200;

  /**
   * {@code backoff}'s delay after {@code attempt} failed attempts as an SQS visibility timeout:
   * whole seconds, rounded to the nearest, at most 12 hours.
   */
  public static int visibilitySeconds(Backoff backoff, int attempt, double random) {
    long millis = backoff.delay(attempt, random).toMillis();
    return (int) Math.min(MAX_VISIBILITY_SECONDS, Math.round(millis / 1000.0));
  }
}
