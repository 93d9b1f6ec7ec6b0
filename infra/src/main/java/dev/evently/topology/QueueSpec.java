package dev.evently.topology;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An SQS queue owned (and consumed) by one service.
 *
 * @param name logical name; ends in {@code .fifo} exactly when {@code fifo}
 * @param service the service that consumes it
 * @param fifo a FIFO queue
 * @param contentBasedDeduplication FIFO only
 * @param visibilityTimeoutSeconds 0..43200
 * @param retentionSeconds 60..1209600
 * @param maxReceiveCount receives before a message moves to the DLQ, 1..1000 (unused without a DLQ)
 * @param dlq the dead-letter queue, absent when disabled with {@code dlq: false}
 * @param kmsKeyId KMS key for SSE-KMS; absent means SSE-SQS (encryption is never off)
 * @param subscriptions topics delivering into this queue
 * @param maxMessageSize the queue's {@code MaximumMessageSize} in bytes (1,024..1,048,576), or 0
 *     when not declared (left as SQS creates it)
 */
public record QueueSpec(
    String name,
    String service,
    boolean fifo,
    boolean contentBasedDeduplication,
    int visibilityTimeoutSeconds,
    int retentionSeconds,
    int maxReceiveCount,
    Optional<DlqSpec> dlq,
    Optional<String> kmsKeyId,
    List<SubscriptionSpec> subscriptions,
    int maxMessageSize) {

  public static final int DEFAULT_VISIBILITY_TIMEOUT = 30;
  public static final int DEFAULT_RETENTION = 4 * 24 * 3600;
  public static final int DEFAULT_DLQ_RETENTION = 14 * 24 * 3600;
  public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

  public QueueSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(dlq, "dlq");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    subscriptions = List.copyOf(subscriptions);
  }

  /** The size the queue accepts for sure: {@link #maxMessageSize} when declared, else 256 KiB (older queues' default). */
  public int effectiveMaxMessageSize() {
    return maxMessageSize > 0 ? maxMessageSize : TopicSpec.DEFAULT_MAX_MESSAGE_SIZE;
  }
}
