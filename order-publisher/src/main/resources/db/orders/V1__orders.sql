-- The order service's own table (portable between H2 and PostgreSQL).
CREATE TABLE orders (
  order_id         VARCHAR(36)    PRIMARY KEY,
  customer_id      VARCHAR(100)   NOT NULL,
  order_total      NUMERIC(14, 2) NOT NULL,
  state            VARCHAR(16)    NOT NULL,
  rejection_reason VARCHAR(200),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
