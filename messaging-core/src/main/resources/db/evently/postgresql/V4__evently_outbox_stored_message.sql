-- Outbox rows hold the message as it goes on the wire (evently). Table name:
-- placeholder evently_outbox_table.
-- message_format 1: a row written before this migration (by Outbox of an older
-- version): the relay sends payload with the attribute event-type = event_type and,
-- on FIFO topics, group id msg_key (event_id without one) and deduplication id
-- event_id, as that version's publisher did. The default keeps rows that older
-- writers still insert during a rolling upgrade in that format.
-- message_format 2: payload, message_attributes (a JSON object of String
-- attributes), group_id and dedup_id are sent exactly as stored (NULL = none).
ALTER TABLE ${evently_outbox_table} ADD COLUMN message_format SMALLINT DEFAULT 1 NOT NULL;
ALTER TABLE ${evently_outbox_table} ADD COLUMN message_attributes TEXT;
ALTER TABLE ${evently_outbox_table} ADD COLUMN group_id VARCHAR(256);
ALTER TABLE ${evently_outbox_table} ADD COLUMN dedup_id VARCHAR(256);
