package dev.evently.customers;

/** The state of an order's credit reservation; see {@code V1__customers.sql}. */
enum ReservationState {
  /** The amount counts against the customer's limit. */
  RESERVED,
  /** Reserved, then released because the order was cancelled. */
  RELEASED,
  /** Never reserved: unknown customer or limit exceeded. */
  REJECTED,
  /** OrderCancelled came before OrderCreated: the order must never reserve. */
  CANCELLED_BEFORE_CREATE
}
