package dev.evently.idempotency;

import java.time.Duration;
import java.time.Instant;

/**
 * Remembers which events a consumer has processed, keyed by (consumer name, event id), with
 * claim, process, complete semantics for handlers whose effects are not in one database
 * transaction with the record (see {@link JdbcIdempotentHandler} for those that are).
 *
 * <ul>
 *   <li>{@link #claim} takes a claim that expires after {@code lease} unless {@link #renew}ed. A
 *       second claim of the same event while the first is live is {@link ClaimResult#IN_PROGRESS};
 *       after the first holder {@link #complete}s it is {@link ClaimResult#ALREADY_COMPLETED}; after
 *       it {@link #release}s, or its lease lapses (the holder died), the next claim is {@link
 *       ClaimResult#ACQUIRED} again and the old token is void.
 *   <li>With a payload hash, a claim of a known event id whose stored hash differs is {@link
 *       ClaimResult#PAYLOAD_MISMATCH}.
 *   <li>Records are kept until {@link #purgeOlderThan}; keep them at least as long as a message can
 *       live on the queue (SQS: up to 14 days), see {@link IdempotencyCleaner}.
 * </ul>
 *
 * <p>Implementations are thread-safe. Leases are compared against each store's clock: instances
 * sharing a JDBC store need synchronized clocks (NTP), well within the lease.
 */
public interface IdempotencyStore {

  /**
   * Claims {@code eventId} for {@code consumer}.
   *
   * @param payloadHash hash of the event's payload to compare with a stored one, or null to skip
   *     the comparison
   * @param lease how long the claim stays valid without renewal; must be positive
   */
  Claim claim(String consumer, String eventId, String payloadHash, Duration lease);

  /** Extends an acquired claim to now + {@code lease}; false if the claim was lost. */
  boolean renew(Claim claim, Duration lease);

  /** Marks the claimed event processed; false if the claim was lost (expired and taken over). */
  boolean complete(Claim claim);

  /** Gives the claim up so that the next delivery processes the event; no-op if it was lost. */
  void release(Claim claim);

  /** Deletes records created before {@code cutoff}; returns how many. */
  int purgeOlderThan(Instant cutoff);
}
