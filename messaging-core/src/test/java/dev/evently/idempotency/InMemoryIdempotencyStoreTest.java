package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.jdbc.MutableClock;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

  @Override
  protected IdempotencyStore newStore(MutableClock clock) {
    return InMemoryIdempotencyStore.builder().clock(clock).build();
  }

  @Test
  void beyondMaxEntriesTheOldestRecordsAreForgotten() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().maxEntries(3).clock(clock).build();
    for (int i = 0; i < 5; i++) {
      store.complete(store.claim("c", "e" + i, null, LEASE));
    }
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.claim("c", "e0", null, LEASE).result()).isEqualTo(ClaimResult.ACQUIRED);
    assertThat(store.claim("c", "e4", null, LEASE).result()).isEqualTo(ClaimResult.ALREADY_COMPLETED);
  }
}
