package dev.evently.orders;

/**
 * An order's place in the saga: PENDING until the customer service replies, then APPROVED or
 * REJECTED; PENDING and APPROVED orders may be CANCELLED. REJECTED and CANCELLED are final.
 */
public enum OrderState {
  PENDING,
  APPROVED,
  REJECTED,
  CANCELLED;

  /** Whether a client may cancel an order in this state. */
  public boolean cancellable() {
    return this == PENDING || this == APPROVED;
  }
}
