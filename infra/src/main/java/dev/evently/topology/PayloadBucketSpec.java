package dev.evently.topology;

import java.util.Objects;
import java.util.Optional;

/**
 * An S3 bucket for large events' payloads (the claim-check of {@code messaging-s3}), declared under
 * {@code payloads:}. {@code apply} creates it with default encryption, the public access block and
 * one lifecycle rule expiring objects after {@code expiryDays}; nothing else deletes them.
 *
 * @param name logical name (the naming's prefix and suffix apply); S3 rules: 3-63 of a-z, 0-9, '-', '.'
 * @param expiryDays days after which objects expire; must not be shorter than the longest
 *     retention of any queue or DLQ subscribed to a topic that uses the bucket
 * @param kmsKeyId SSE-KMS with this key; empty: SSE-S3
 */
public record PayloadBucketSpec(String name, int expiryDays, Optional<String> kmsKeyId) {
  public PayloadBucketSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
  }

  /** {@code SSE-S3} or {@code SSE-KMS(key)}. */
  public String encryption() {
    return kmsKeyId.map(k -> "SSE-KMS(" + k + ")").orElse("SSE-S3");
  }
}
