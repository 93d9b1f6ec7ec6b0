-- Idempotency-Key of POST /customers (IETF draft-ietf-httpapi-idempotency-key-header): one row per
-- key, written in the transaction that creates the customer, so a key exists if and only if its
-- customer does. The primary key makes a second customer for a key impossible, also when two
-- requests with the same key race. Rows are kept forever (no expiry).
CREATE TABLE customer_idempotency_keys (
  idempotency_key VARCHAR(255) PRIMARY KEY,
  customer_id     VARCHAR(36)  NOT NULL REFERENCES customers (customer_id),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
