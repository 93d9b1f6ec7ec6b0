package dev.evently.topology;

import java.util.Objects;
import java.util.Optional;

/**
 * An SNS topic as declared in the topology file.
 *
 * @param name logical name; ends in {@code .fifo} exactly when {@code fifo}
 * @param fifo a FIFO topic (strict order per message group, deduplication)
 * @param contentBasedDeduplication FIFO only: deduplicate on a hash of the body
 * @param kmsKeyId optional KMS key (id, ARN or {@code alias/...}) for encryption at rest
 * @param maxMessageSize the topic's {@code MaximumMessageSize} in bytes (1,024..1,048,576), or 0
 *     when not declared (SNS's default, 256 KiB); above 256 KiB the topic takes at most 100
 *     subscriptions, and each subscribed queue must accept at least this size
 * @param payloads the logical name of the {@code payloads:} bucket large events of this topic are
 *     offloaded to, if any
 */
public record TopicSpec(
    String name, boolean fifo, boolean contentBasedDeduplication, Optional<String> kmsKeyId, int maxMessageSize,
    Optional<String> payloads) {
  /** SNS's size limit of a topic without {@code MaximumMessageSize}. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  /** Subscriptions a topic above 256 KiB may have. */
  public static final int MAX_LARGE_TOPIC_SUBSCRIPTIONS = 100;

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    Objects.requireNonNull(payloads, "payloads");
  }

  public TopicSpec(String name, boolean fifo, boolean contentBasedDeduplication, Optional<String> kmsKeyId) {
    this(name, fifo, contentBasedDeduplication, kmsKeyId, 0, Optional.empty());
  }

  /** The size the topic accepts: {@link #maxMessageSize} when declared, else 256 KiB. */
  public int effectiveMaxMessageSize() {
    return maxMessageSize > 0 ? maxMessageSize : DEFAULT_MAX_MESSAGE_SIZE;
  }
}
