package dev.evently.payload;

/**
 * Why the pointer of a large event could not be resolved. The consumer dead-letters with {@code
 * dlq-reason} {@link #dlqReason()} ({@code PAYLOAD_} and the name); every one but {@link #MISSING}
 * and {@link #UNAVAILABLE} is permanent and goes to the DLQ at once, without the handler.
 */
public enum PayloadFailure {
  /** A {@code dataref} or an extended-client pointer that is malformed or lacks its size or digest. */
  INVALID_POINTER,
  /** The pointer names a bucket that is not one of the consumer's store's buckets; nothing was read. */
  FOREIGN_BUCKET,
  /** The pointer's size is over the codec's limit; nothing was read. */
  TOO_LARGE,
  /** The object's size differs from the pointer's. */
  SIZE_MISMATCH,
  /** The object's SHA-256 differs from the pointer's. */
  SHA256_MISMATCH,
  /** The object holds another event than the pointer names (id or type differ). */
  EVENT_MISMATCH,
  /** There is no object at the pointer's location: retried, dead-lettered on the last attempt. */
  MISSING,
  /** The object could not be read now (S3 error, network): retried, dead-lettered on the last attempt. */
  UNAVAILABLE;

  /** The {@code dlq-reason} of a message dead-lettered for this failure: {@code PAYLOAD_} + name. */
  public String dlqReason() {
    return "PAYLOAD_" + name();
  }

  /** True for failures a later attempt may not have: {@link #MISSING} and {@link #UNAVAILABLE}. */
  public boolean isRetryable() {
    return this == MISSING || this == UNAVAILABLE;
  }
}
