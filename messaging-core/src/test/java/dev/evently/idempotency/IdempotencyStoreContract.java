package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.jdbc.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link IdempotencyStore} must have; one subclass per store and database. */
abstract class IdempotencyStoreContract {
  static final Duration LEASE = Duration.ofSeconds(30);

  protected final MutableClock clock = new MutableClock();
  private IdempotencyStore store;

  /** A store on an empty table that reads time from {@code clock}. */
  protected abstract IdempotencyStore newStore(MutableClock clock);

  @BeforeEach
  void createStore() {
    store = newStore(clock);
  }

  @Test
  void firstClaimIsAcquiredAndACopyWhileItIsHeldIsInProgress() {
    Claim first = store.claim("billing", "e1", null, LEASE);
    assertThat(first.result()).isEqualTo(ClaimResult.ACQUIRED);
    assertThat(first.token()).isNotBlank();
    assertThat(store.claim("billing", "e1", null, LEASE).result()).isEqualTo(ClaimResult.IN_PROGRESS);
  }

  @Test
  void aCompletedEventIsAlreadyCompletedForEveryLaterCopy() {
    Claim first = store.claim("billing", "e1", null, LEASE);
    assertThat(store.complete(first)).isTrue();
    clock.advance(LEASE.multipliedBy(10));
    assertThat(store.claim("billing", "e1", null, LEASE).result()).isEqualTo(ClaimResult.ALREADY_COMPLETED);
  }

  @Test
  void consumersAreIndependent() {
    store.complete(store.claim("billing", "e1", null, LEASE));
    assertThat(store.claim("shipping", "e1", null, LEASE).result()).isEqualTo(ClaimResult.ACQUIRED);
  }

  @Test
  void aReleasedClaimCanBeClaimedAgain() {
    Claim first = store.claim("billing", "e1", null, LEASE);
    store.release(first);
    Claim second = store.claim("billing", "e1", null, LEASE);
    assertThat(second.result()).isEqualTo(ClaimResult.ACQUIRED);
    assertThat(second.token()).isNotEqualTo(first.token());
  }

  @Test
  void aLapsedLeaseIsTakenOverAndTheDeadHoldersTokenIsVoid() {
    Claim dead = store.claim("billing", "e1", null, LEASE);
    clock.advance(LEASE.plusMillis(1));
    Claim next = store.claim("billing", "e1", null, LEASE);
    assertThat(next.result()).isEqualTo(ClaimResult.ACQUIRED);
    assertThat(store.complete(dead)).isFalse();
    assertThat(store.renew(dead, LEASE)).isFalse();
    store.release(dead);
    assertThat(store.claim("billing", "e1", null, LEASE).result()).isEqualTo(ClaimResult.IN_PROGRESS);
    assertThat(store.complete(next)).isTrue();
  }

  @Test
  void renewingKeepsASlowHolderItsClaim() {
    Claim slow = store.claim("billing", "e1", null, LEASE);
    for (int i = 0; i < 5; i++) {
      clock.advance(LEASE.dividedBy(2));
      assertThat(store.renew(slow, LEASE)).isTrue();
      assertThat(store.claim("billing", "e1", null, LEASE).result()).isEqualTo(ClaimResult.IN_PROGRESS);
    }
    assertThat(store.complete(slow)).isTrue();
  }

  @Test
  void theSameIdWithADifferentPayloadHashIsAMismatch() {
    store.complete(store.claim("billing", "e1", "a".repeat(64), LEASE));
    assertThat(store.claim("billing", "e1", "b".repeat(64), LEASE).result())
        .isEqualTo(ClaimResult.PAYLOAD_MISMATCH);
    assertThat(store.claim("billing", "e1", "a".repeat(64), LEASE).result())
        .isEqualTo(ClaimResult.ALREADY_COMPLETED);
    assertThat(store.claim("billing", "e1", null, LEASE).result()).isEqualTo(ClaimResult.ALREADY_COMPLETED);
  }

  @Test
  void purgeDeletesOnlyRecordsOlderThanTheCutoff() {
    store.complete(store.claim("billing", "old", null, LEASE));
    clock.advance(Duration.ofDays(15));
    store.complete(store.claim("billing", "new", null, LEASE));
    assertThat(store.purgeOlderThan(clock.instant().minus(Duration.ofDays(1)))).isEqualTo(1);
    assertThat(store.claim("billing", "old", null, LEASE).result()).isEqualTo(ClaimResult.ACQUIRED);
    assertThat(store.claim("billing", "new", null, LEASE).result()).isEqualTo(ClaimResult.ALREADY_COMPLETED);
  }

  @Test
  void concurrentClaimsOfOneEventAcquireItExactlyOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        String id = "race-" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<Claim> claim =
              () -> {
                start.await();
                return store.claim("billing", id, null, LEASE);
              };
          claims.add(pool.submit(claim));
        }
        start.countDown();
        int acquired = 0;
        for (Future<Claim> f : claims) {
          ClaimResult r = f.get().result();
          assertThat(r).isIn(ClaimResult.ACQUIRED, ClaimResult.IN_PROGRESS);
          acquired += r == ClaimResult.ACQUIRED ? 1 : 0;
        }
        assertThat(acquired).as("acquired claims of %s", id).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
