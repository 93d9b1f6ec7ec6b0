-- The customer service's own tables (portable between H2 and PostgreSQL).
CREATE TABLE customers (
  customer_id  VARCHAR(36)    PRIMARY KEY,
  name         VARCHAR(200)   NOT NULL,
  credit_limit NUMERIC(14, 2) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per order the customer service has heard of, whatever arrived first.
-- state: RESERVED (counts against the limit), RELEASED (cancelled after reserving),
-- REJECTED (reservation failed; reason says why), CANCELLED_BEFORE_CREATE (a
-- tombstone: OrderCancelled arrived before OrderCreated, which must then not reserve).
CREATE TABLE credit_reservations (
  order_id    VARCHAR(100)   PRIMARY KEY,
  customer_id VARCHAR(100)   NOT NULL,
  amount      NUMERIC(14, 2) NOT NULL,
  state       VARCHAR(32)    NOT NULL,
  reason      VARCHAR(200),
  updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX credit_reservations_customer_idx ON credit_reservations (customer_id, state);
