-- The size of an OrderCreated's note (the note itself is not kept): shows that a large order,
-- which travels through the S3 claim-check, arrived whole. NULL for every other event.
ALTER TABLE order_timeline ADD COLUMN note_bytes INTEGER;
