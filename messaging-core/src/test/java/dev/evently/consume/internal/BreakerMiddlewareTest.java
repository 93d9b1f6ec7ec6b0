package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.consume.BatchResult;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.Delivery;
import dev.evently.consume.Middleware;
import dev.evently.consume.RecordingChain;
import dev.evently.event.Event;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The breaker middleware alone, with a real resilience4j breaker and a recording next link. */
class BreakerMiddlewareTest {
  record Note(String text) {}

  private final CircuitBreaker breaker =
      CircuitBreaker.of(
          "db",
          CircuitBreakerConfig.custom()
              .minimumNumberOfCalls(3)
              .slidingWindowSize(3)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(7))
              .build());
  private final BreakerMiddleware middleware = new BreakerMiddleware(CircuitBreakerPolicy.of(breaker));
  private final AtomicInteger calls = new AtomicInteger();

  private Middleware.Chain chain(RecordingChain.Step next) {
    return RecordingChain.of(Event.of("Note", "test", new Note("x")), calls, next);
  }

  @Test
  void systemicFailuresOpenTheBreakerAndTheFailureThatOpensItIsHeldBack() throws Exception {
    middleware.handle(chain(() -> {}));
    assertThatThrownBy(() -> middleware.handle(chain(() -> {
          throw new ConnectException("refused");
        })))
        .isInstanceOf(ConnectException.class); // still closed: retried as usual
    assertThatThrownBy(() -> middleware.handle(chain(() -> {
          throw new ConnectException("refused");
        })))
        .isInstanceOf(CircuitOpenException.class)
        .hasCauseInstanceOf(ConnectException.class)
        .satisfies(e -> assertThat(((CircuitOpenException) e).waitSeconds()).isEqualTo(7));
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    // open: the handler is not even called
    assertThatThrownBy(() -> middleware.handle(chain(() -> {}))).isInstanceOf(CircuitOpenException.class).hasNoCause();
    assertThat(calls).hasValue(3);
    assertThat(Decision.ofHandlerError(new CircuitOpenException("db", null, 7)))
        .isEqualTo(new Decision.HeldBack(null, 7));
  }

  @Test
  void failuresOfOneMessageNeverOpenTheBreaker() {
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> middleware.handle(chain(() -> {
            throw new IllegalStateException("bug in one handler");
          })))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void aBatchWithSystemicFailuresCountsOnceAndHoldsThemBackOnceOpen() throws Exception {
    List<Event<?>> events = List.of(Event.of("Note", "t", new Note("a")), Event.of("Note", "t", new Note("b")));
    Middleware.BatchChain batch =
        new Middleware.BatchChain() {
          @Override
          public List<Event<?>> events() {
            return events;
          }

          @Override
          public List<Delivery> deliveries() {
            return List.of();
          }

          @Override
          public BatchResult proceed() {
            return BatchResult.builder()
                .failed(events.get(0), new ConnectException("refused"))
                .failed(events.get(1), new IllegalArgumentException("bad row"))
                .build();
          }
        };
    middleware.handleBatch(batch);
    middleware.handleBatch(batch);
    BatchResult third = middleware.handleBatch(batch);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(third.failureOf(events.get(0))).isInstanceOf(CircuitOpenException.class);
    assertThat(third.failureOf(events.get(1))).isInstanceOf(IllegalArgumentException.class);
  }
}
