package dev.evently.idempotency;

/**
 * The answer of {@link IdempotencyStore#claim}: the result and, when {@link ClaimResult#ACQUIRED},
 * the token that identifies this holder to {@code renew}, {@code complete} and {@code release}.
 *
 * @param consumer the consumer name the claim is for
 * @param eventId the event id
 * @param token the holder's token; null unless acquired
 * @param result what the store found
 */
public record Claim(String consumer, String eventId, String token, ClaimResult result) {

  public boolean acquired() {
    return result == ClaimResult.ACQUIRED;
  }
}
