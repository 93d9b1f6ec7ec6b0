-- Idempotency-Key of POST /orders (IETF draft-ietf-httpapi-idempotency-key-header): one row per
-- key, written in the transaction that creates the order and its OrderCreated outbox row, so a key
-- exists if and only if its order does. The primary key makes a second order for a key impossible,
-- also when two requests with the same key race. Rows are kept forever (no expiry).
CREATE TABLE order_idempotency_keys (
  idempotency_key VARCHAR(255) PRIMARY KEY,
  order_id        VARCHAR(36)  NOT NULL REFERENCES orders (order_id),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
