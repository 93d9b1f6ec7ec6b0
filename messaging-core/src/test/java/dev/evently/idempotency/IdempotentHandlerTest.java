package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.NonRetryableException;
import dev.evently.event.Event;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotentHandlerTest {
  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void aCopyOfAProcessedEventIsAcknowledgedWithoutRunningTheHandler() throws Exception {
    var handler = IdempotentHandler.<Payment>of(store, "billing", e -> runs.incrementAndGet());
    Event<Payment> event = Payment.event("o-1", 100);
    handler.handle(event);
    handler.handle(event);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aHandlerFailureReleasesTheClaimSoTheRedeliveryRunsIt() throws Exception {
    var handler =
        IdempotentHandler.<Payment>of(
            store,
            "billing",
            e -> {
              if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
              }
            });
    Event<Payment> event = Payment.event("o-1", 100);
    assertThatThrownBy(() -> handler.handle(event)).hasMessage("boom");
    handler.handle(event);
    handler.handle(event);
    assertThat(runs).hasValue(2);
  }

  @Test
  void aSlowButAliveHandlerKeepsItsClaimPastTheLeaseAndCopiesAreRetriedMeanwhile() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    var handler =
        IdempotentHandler.<Payment>builder(
                store,
                "billing",
                e -> {
                  runs.incrementAndGet();
                  inside.countDown();
                  finish.await(20, TimeUnit.SECONDS);
                })
            .lease(Duration.ofMillis(300))
            .build();
    Event<Payment> event = Payment.event("o-1", 100);
    CompletableFuture<Void> first =
        CompletableFuture.runAsync(
            () -> {
              try {
                handler.handle(event);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    // Four leases long, every copy finds the claim held.
    await()
        .during(Duration.ofMillis(1200))
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              try {
                handler.handle(event);
                return false;
              } catch (DuplicateInProgressException expected) {
                return true;
              }
            });
    finish.countDown();
    first.get(10, TimeUnit.SECONDS);
    handler.handle(event);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aDeadHoldersClaimLapsesAfterTheLease() throws Exception {
    Event<Payment> event = Payment.event("o-1", 100);
    store.claim("billing", event.id(), null, Duration.ofMillis(200)); // its holder never comes back
    var handler =
        IdempotentHandler.<Payment>builder(store, "billing", e -> runs.incrementAndGet())
            .lease(Duration.ofMillis(200))
            .build();
    assertThatThrownBy(() -> handler.handle(event)).isInstanceOf(DuplicateInProgressException.class);
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreException(DuplicateInProgressException.class)
        .until(
            () -> {
              handler.handle(event);
              return true;
            });
    assertThat(runs).hasValue(1);
  }

  @Test
  void withPayloadCheckingAReusedIdWithAnotherPayloadIsPoison() throws Exception {
    var handler =
        IdempotentHandler.<Payment>builder(store, "billing", e -> runs.incrementAndGet()).checkPayload(true).build();
    Event<Payment> event = Payment.event("o-1", 100);
    handler.handle(event);
    Event<Payment> reused =
        new Event<>(event.id(), event.type(), event.source(), event.time(), null, null, null, null,
            new Payment("o-2", 100));
    assertThatThrownBy(() -> handler.handle(reused))
        .isInstanceOf(NonRetryableException.class)
        .hasMessageContaining("duplicate event id with a different payload");
    assertThat(runs).hasValue(1);
  }

  @Test
  void theBuilderNamesTheFieldAtFault() {
    assertThatThrownBy(() -> IdempotentHandler.of(store, " ", e -> {})).hasMessageContaining("consumerName");
    assertThatThrownBy(() -> IdempotentHandler.builder(store, "c", e -> {}).lease(Duration.ZERO))
        .hasMessage("lease must be > 0");
  }
}
