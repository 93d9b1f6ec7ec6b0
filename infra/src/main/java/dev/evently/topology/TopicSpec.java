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
 */
public record TopicSpec(String name, boolean fifo, boolean contentBasedDeduplication, Optional<String> kmsKeyId) {
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
  }
}
