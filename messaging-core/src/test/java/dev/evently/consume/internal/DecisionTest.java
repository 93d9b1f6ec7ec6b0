package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.retry.Backoff;
import dev.evently.consume.NonRetryableException;
import dev.evently.consume.internal.Decision.Ack;
import dev.evently.consume.internal.Decision.DeadLetter;
import dev.evently.consume.internal.Decision.Failed;
import dev.evently.consume.internal.Decision.Handled;
import dev.evently.consume.internal.Decision.Outcome;
import dev.evently.consume.internal.Decision.Policy;
import dev.evently.consume.internal.Decision.Rejected;
import dev.evently.consume.internal.Decision.Retry;
import dev.evently.consume.internal.Decision.Succeeded;
import dev.evently.event.DecodeFailure;
import dev.evently.event.EventDecodingException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The decision table: handler outcome x receive count x redrive policy -> what happens to the message. */
class DecisionTest {
  /** 1 s doubling to 60 s, no jitter: backoff(n) = 2^(n-1) s. */
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 0.0);

  private static final Policy REDRIVE_5 = new Policy(5, true, BACKOFF);
  private static final Policy NO_DLQ = new Policy(0, false, BACKOFF);
  private static final Throwable BOOM = new IllegalStateException("boom");
  private static final Throwable UNDECODABLE =
      new EventDecodingException(DecodeFailure.NOT_JSON, "not JSON", null, null, null);

  static Stream<Arguments> table() {
    return Stream.of(
        // handled, receive count, policy, expected outcome
        Arguments.of(Succeeded.INSTANCE, 1, REDRIVE_5, Ack.INSTANCE),
        Arguments.of(Succeeded.INSTANCE, 5, REDRIVE_5, Ack.INSTANCE),
        Arguments.of(new Failed(BOOM), 1, REDRIVE_5, new Retry(1, false, null, BOOM)),
        Arguments.of(new Failed(BOOM), 3, REDRIVE_5, new Retry(4, false, null, BOOM)),
        Arguments.of(new Failed(BOOM), 4, REDRIVE_5, new Retry(8, false, null, BOOM)),
        // the last attempt: visible at once, so the redrive policy moves it without a backoff
        Arguments.of(new Failed(BOOM), 5, REDRIVE_5, new Retry(0, true, null, BOOM)),
        Arguments.of(new Failed(BOOM), 9, REDRIVE_5, new Retry(0, true, null, BOOM)),
        // no redrive policy: no attempt is the last; the backoff is capped
        Arguments.of(new Failed(BOOM), 100, NO_DLQ, new Retry(60, false, null, BOOM)),
        Arguments.of(new Rejected("NOT_JSON", UNDECODABLE), 1, REDRIVE_5, new DeadLetter("NOT_JSON", UNDECODABLE)),
        Arguments.of(new Rejected("NOT_JSON", UNDECODABLE), 5, REDRIVE_5, new DeadLetter("NOT_JSON", UNDECODABLE)),
        // poison without a DLQ: retried like a failure (never deleted), marked as poison
        Arguments.of(new Rejected("NOT_JSON", UNDECODABLE), 2, NO_DLQ, new Retry(2, false, "NOT_JSON", UNDECODABLE)),
        // held back by an open circuit breaker: the breaker's wait, even on the last attempt
        Arguments.of(new Decision.HeldBack(BOOM, 30), 1, REDRIVE_5, new Retry(30, false, null, BOOM)),
        Arguments.of(new Decision.HeldBack(null, 30), 5, REDRIVE_5, new Retry(30, false, null, null)),
        // a large event's payload missing: retried like a failure, dead-lettered with its reason on the last attempt
        Arguments.of(new Decision.Unavailable("PAYLOAD_MISSING", BOOM), 1, REDRIVE_5, new Retry(1, false, null, BOOM)),
        Arguments.of(new Decision.Unavailable("PAYLOAD_MISSING", BOOM), 4, REDRIVE_5, new Retry(8, false, null, BOOM)),
        Arguments.of(new Decision.Unavailable("PAYLOAD_MISSING", BOOM), 5, REDRIVE_5, new DeadLetter("PAYLOAD_MISSING", BOOM)),
        Arguments.of(new Decision.Unavailable("PAYLOAD_MISSING", BOOM), 9, NO_DLQ, new Retry(60, false, null, BOOM)),
        // a dead-letter queue that exists without a usable redrive count still takes poison
        Arguments.of(
            new Rejected("HANDLER_REJECTED", BOOM), 1, new Policy(0, true, BACKOFF), new DeadLetter("HANDLER_REJECTED", BOOM)));
  }

  @ParameterizedTest(name = "{0} on receive {1} with {2} -> {3}")
  @MethodSource("table")
  void decides(Handled handled, int receiveCount, Policy policy, Outcome expected) {
    assertThat(Decision.decide(handled, receiveCount, policy, 0.0)).isEqualTo(expected);
  }

  @Test
  void theJitterIsTheRandomInputAndNeverLengthensTheBackoff() {
    Policy jittered = new Policy(5, true, BACKOFF.withJitter(0.5));
    Retry noJitter = (Retry) Decision.decide(new Failed(BOOM), 4, jittered, 0.0);
    Retry mostJitter = (Retry) Decision.decide(new Failed(BOOM), 4, jittered, 0.999);
    assertThat(noJitter.visibilitySeconds()).isEqualTo(8);
    assertThat(mostJitter.visibilitySeconds()).isEqualTo(4);
  }

  @Test
  void aDeadLetteringThatFailedIsRetriedLikeAFailure() {
    assertThat(Decision.retry(BOOM, 2, REDRIVE_5, 0.0)).isEqualTo(new Retry(2, false, null, BOOM));
    assertThat(Decision.retry(BOOM, 5, REDRIVE_5, 0.0)).isEqualTo(new Retry(0, true, null, BOOM));
  }

  @Test
  void onlyNonRetryableExceptionsFromAHandlerArePoison() {
    NonRetryableException rejected = new NonRetryableException("credit limit is a business rule");
    assertThat(Decision.ofHandlerError(rejected)).isEqualTo(new Rejected(Decision.HANDLER_REJECTED, rejected));
    NonRetryableException subclass = new NonRetryableException("x") {};
    assertThat(Decision.ofHandlerError(subclass)).isInstanceOf(Rejected.class);
    // a decoding error thrown by the handler itself (not by decoding this message) is a failure
    assertThat(Decision.ofHandlerError(UNDECODABLE)).isEqualTo(new Failed(UNDECODABLE));
    StackOverflowError error = new StackOverflowError();
    assertThat(Decision.ofHandlerError(error)).isEqualTo(new Failed(error));
  }

  @Test
  void backoffDelaysBecomeWholeSecondsOfVisibilityRoundedAndCappedAt12Hours() {
    Backoff halfSecond = Backoff.fixed(Duration.ofMillis(1_499));
    assertThat(Decision.visibilitySeconds(halfSecond, 1, 0.0)).isEqualTo(1);
    assertThat(Decision.visibilitySeconds(Backoff.fixed(Duration.ofMillis(1_500)), 1, 0.0)).isEqualTo(2);
    assertThat(Decision.visibilitySeconds(Backoff.fixed(Duration.ofMillis(400)), 1, 0.0)).isZero();
    Backoff huge = new Backoff(Duration.ofHours(1), 10.0, Duration.ofDays(2), 0.0);
    assertThat(Decision.visibilitySeconds(huge, 5, 0.0)).isEqualTo(Decision.MAX_VISIBILITY_SECONDS);
  }
}
