-- Parked outbox rows (evently). Table name: placeholder evently_outbox_table.
-- OutboxRelay parks a row the publisher refused for good (too large for SNS,
-- invalid FIFO group id, not encodable): parked_at is set, last_error says why,
-- and the relay never picks it again nor lets it hold back the newer rows of its
-- msg_key. OutboxRelay.retryParked clears parked_at. Parked rows are never purged.
ALTER TABLE ${evently_outbox_table} ADD COLUMN parked_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX ${evently_outbox_table}_parked_idx ON ${evently_outbox_table} (id) WHERE parked_at IS NOT NULL;
