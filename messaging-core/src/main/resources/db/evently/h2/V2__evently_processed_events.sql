-- Idempotent consumers (evently). Table name: placeholder evently_dedup_table.
-- One row per (consumer, event_id): status COMPLETED once the event's effect is
-- committed; IN_PROGRESS with claim_token/lease_until while a claim is held.
CREATE TABLE ${evently_dedup_table} (
  consumer      VARCHAR(200) NOT NULL,
  event_id      VARCHAR(200) NOT NULL,
  payload_hash  CHAR(64),
  status        VARCHAR(16)  NOT NULL,
  claim_token   VARCHAR(64),
  lease_until   TIMESTAMP WITH TIME ZONE,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  completed_at  TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX ${evently_dedup_table}_created_idx ON ${evently_dedup_table} (created_at);
