package dev.evently.idempotency;

import dev.evently.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An {@link IdempotencyStore} in the memory of one process: it deduplicates only within that
 * process and forgets everything on restart, so use it for a single instance or as a cheap first
 * filter. Bounded: beyond {@code maxEntries} records the oldest are forgotten first (a forgotten
 * event is processed again if redelivered). Thread-safe.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
  private final int maxEntries;
  private final Clock clock;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

  private InMemoryIdempotencyStore(Builder b) {
    this.maxEntries = b.maxEntries;
    this.clock = b.clock;
  }

  public static InMemoryIdempotencyStore create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized Claim claim(String consumer, String eventId, String payloadHash, Duration lease) {
    requireLease(lease);
    Key key = new Key(Objects.requireNonNull(consumer, "consumer"), Objects.requireNonNull(eventId, "eventId"));
    Instant now = clock.instant();
    Entry e = entries.get(key);
    if (e != null) {
      if (payloadHash != null && e.hash != null && !payloadHash.equals(e.hash)) {
        return new Claim(consumer, eventId, null, ClaimResult.PAYLOAD_MISMATCH);
      }
      if (e.completed) {
        return new Claim(consumer, eventId, null, ClaimResult.ALREADY_COMPLETED);
      }
      if (e.leaseUntil.isAfter(now)) {
        return new Claim(consumer, eventId, null, ClaimResult.IN_PROGRESS);
      }
    }
    String token = UUID.randomUUID().toString();
    entries.remove(key);
    entries.put(key, new Entry(token, payloadHash, now, now.plus(lease), false));
    evictBeyondBound();
    return new Claim(consumer, eventId, token, ClaimResult.ACQUIRED);
  }

  @Override
  public synchronized boolean renew(Claim claim, Duration lease) {
    requireLease(lease);
    Entry e = held(claim);
    if (e == null) {
      return false;
    }
    e.leaseUntil = clock.instant().plus(lease);
    return true;
  }

  @Override
  public synchronized boolean complete(Claim claim) {
    Entry e = held(claim);
    if (e == null) {
      return false;
    }
    e.completed = true;
    return true;
  }

  @Override
  public synchronized void release(Claim claim) {
    if (held(claim) != null) {
      entries.remove(new Key(claim.consumer(), claim.eventId()));
    }
  }

  @Override
  public synchronized int purgeOlderThan(Instant cutoff) {
    int removed = 0;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (it.next().createdAt.isBefore(cutoff)) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  /** The number of records held now. */
  public synchronized int size() {
    return entries.size();
  }

  private Entry held(Claim claim) {
    if (claim == null || !claim.acquired()) {
      throw new IllegalArgumentException("claim must be an acquired claim");
    }
    Entry e = entries.get(new Key(claim.consumer(), claim.eventId()));
    return e != null && !e.completed && e.token.equals(claim.token()) ? e : null;
  }

  private void evictBeyondBound() {
    Iterator<Entry> it = entries.values().iterator();
    while (entries.size() > maxEntries && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  static void requireLease(Duration lease) {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be > 0");
    }
  }

  private record Key(String consumer, String eventId) {}

  private static final class Entry {
    final String token;
    final String hash;
    final Instant createdAt;
    Instant leaseUntil;
    boolean completed;

    Entry(String token, String hash, Instant createdAt, Instant leaseUntil, boolean completed) {
      this.token = token;
      this.hash = hash;
      this.createdAt = createdAt;
      this.leaseUntil = leaseUntil;
      this.completed = completed;
    }
  }

  public static final class Builder {
    private int maxEntries = 100_000;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Records beyond this many are forgotten, oldest first. Default 100,000. */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries <= 0) {
        throw new IllegalArgumentException("maxEntries must be > 0");
      }
      this.maxEntries = maxEntries;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    public InMemoryIdempotencyStore build() {
      return new InMemoryIdempotencyStore(this);
    }
  }
}
