-- An order's note travels in its OrderCreated event only (through the S3 claim-check when it is
-- large); the order keeps its SHA-256 (hex) so that a repeat with the same Idempotency-Key and
-- another note is told apart (422). NULL for an order without a note.
ALTER TABLE orders ADD COLUMN note_sha256 VARCHAR(64);
