package dev.evently.idempotency;

/** What {@link IdempotencyStore#claim} found for an event. */
public enum ClaimResult {
  /** The caller holds the claim and must {@code complete} or {@code release} it. */
  ACQUIRED,
  /** The event was processed before: acknowledge it without running the handler. */
  ALREADY_COMPLETED,
  /** Another live holder is processing it now: retry later, do not run it concurrently. */
  IN_PROGRESS,
  /** The same event id was seen with a different payload hash: a poison message. */
  PAYLOAD_MISMATCH
}
