package dev.evently.topology.dlq;

/**
 * What a redrive did.
 *
 * @param scanned distinct messages looked at
 * @param moved messages sent back to their source queue and deleted from the DLQ
 * @param skipped messages left in the DLQ (not matching, or over the limit)
 */
public record RedriveResult(int scanned, int moved, int skipped) {}
