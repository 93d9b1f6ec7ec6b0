package dev.evently.topology.internal;

import dev.evently.topology.PayloadBucketSpec;
import dev.evently.topology.QueueSpec;
import dev.evently.topology.TopicSpec;
import dev.evently.topology.Topology;
import dev.evently.topology.internal.YamlTree.Entry;
import dev.evently.topology.internal.YamlTree.Location;
import dev.evently.topology.internal.YamlTree.MapNode;
import dev.evently.topology.internal.YamlTree.Node;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The topology's rules for large messages: {@code maxMessageSize} on topics and queues, the {@code
 * payloads:} buckets, and the checks across them (a topic above 256 KiB takes at most 100
 * subscriptions, all from queues accepting its size; a bucket's expiry outlives every queue and DLQ
 * that can hold one of its pointers, or a redriven message would find its payload gone).
 */
final class LargeMessages {
  static final int MIN_SIZE = 1024;
  static final int MAX_SIZE = 1024 * 1024;
  private static final Set<String> BUCKET_KEYS = new LinkedHashSet<>(List.of("expiryDays", "kmsKeyId"));
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final int DEFAULT_EXPIRY_DAYS = 15;

  private record Where(Location at, String field) {}

  private final TopologyReader reader;
  private final Problems problems;
  private final Map<String, PayloadBucketSpec> buckets = new LinkedHashMap<>();
  private final Map<String, Where> expiryAt = new HashMap<>();
  private final Map<String, Where> sizeAt = new HashMap<>();

  LargeMessages(TopologyReader reader, Problems problems) {
    this.reader = reader;
    this.problems = problems;
  }

  /** The {@code payloads:} section (before the topics, which refer to it). */
  Map<String, PayloadBucketSpec> payloads(Node node) {
    MapNode section = reader.map(node, "payloads");
    if (section == null) {
      return buckets;
    }
    for (Entry e : section.entries().values()) {
      String path = "payloads." + e.key();
      if (!BUCKET.matcher(e.key()).matches() || e.key().contains("..")) {
        problems.add(e.keyLocation(), path, "'" + e.key() + "' is not a valid S3 bucket name: 3-63 characters of"
            + " a-z, 0-9, '-' and '.'");
      }
      MapNode m = reader.map(e.value(), path);
      if (m == null) {
        continue;
      }
      reader.checkKeys(m, path, BUCKET_KEYS);
      int expiry = reader.integer(m, path, "expiryDays", DEFAULT_EXPIRY_DAYS, 1, 36_500);
      Node expiryNode = TopologyReader.value(m, "expiryDays");
      expiryAt.put(e.key(), expiryNode != null ? new Where(expiryNode.location(), path + ".expiryDays")
          : new Where(e.keyLocation(), path));
      buckets.put(e.key(), new PayloadBucketSpec(e.key(), expiry, reader.optionalString(m, path, "kmsKeyId")));
    }
    return buckets;
  }

  /** A topic's {@code payloads}: a declared bucket. */
  Optional<String> topicPayloads(MapNode topic, String path) {
    Node n = TopologyReader.value(topic, "payloads");
    if (n == null) {
      return Optional.empty();
    }
    String bucket = reader.scalarString(n, path + ".payloads");
    if (bucket != null && !buckets.containsKey(bucket)) {
      problems.add(n.location(), path + ".payloads", "unknown payload bucket '" + bucket + "'; declared under payloads: "
          + (buckets.isEmpty() ? "none" : String.join(", ", buckets.keySet())));
      return Optional.empty();
    }
    return Optional.ofNullable(bucket);
  }

  /** {@code maxMessageSize} of a topic or queue: 0 when absent. */
  int size(MapNode m, String path, String name) {
    int size = reader.integer(m, path, "maxMessageSize", 0, MIN_SIZE, MAX_SIZE);
    Node n = TopologyReader.value(m, "maxMessageSize");
    sizeAt.put(path.startsWith("topics.") ? "topic:" + name : "queue:" + name,
        n != null ? new Where(n.location(), path + ".maxMessageSize") : new Where(m.location(), path));
    return size;
  }

  /** The checks across topics, queues and buckets. */
  void check(Topology topology) {
    for (TopicSpec t : topology.topics().values()) {
      List<QueueSpec> subscribers = topology.subscribersOf(t.name());
      if (t.effectiveMaxMessageSize() > TopicSpec.DEFAULT_MAX_MESSAGE_SIZE) {
        Where at = sizeAt.get("topic:" + t.name());
        if (subscribers.size() > TopicSpec.MAX_LARGE_TOPIC_SUBSCRIPTIONS) {
          problems.add(at.at(), at.field(), "a topic above 262144 bytes takes at most 100 subscriptions (SQS, Lambda"
              + " and Firehose only), but " + subscribers.size() + " queues subscribe to it");
        }
        for (QueueSpec q : subscribers) {
          if (q.effectiveMaxMessageSize() < t.effectiveMaxMessageSize()) {
            Where qa = sizeAt.get("queue:" + q.name());
            problems.add(qa.at(), qa.field(), "queue '" + q.name() + "' subscribes to topic '" + t.name() + "' whose"
                + " maxMessageSize is " + t.effectiveMaxMessageSize() + " bytes: it must accept at least that, but"
                + " accepts " + q.effectiveMaxMessageSize() + (q.maxMessageSize() == 0 ? " (not declared: 262144)" : ""));
          }
        }
      }
      t.payloads().map(buckets::get).ifPresent(bucket -> checkExpiry(bucket, t, subscribers));
    }
  }

  /** A pointer can wait in a queue, then in its DLQ (which keeps the original enqueue time), then be redriven. */
  private void checkExpiry(PayloadBucketSpec bucket, TopicSpec topic, List<QueueSpec> subscribers) {
    long expirySeconds = bucket.expiryDays() * 86_400L;
    for (QueueSpec q : subscribers) {
      int longest = Math.max(q.retentionSeconds(), q.dlq().map(d -> d.retentionSeconds()).orElse(0));
      if (longest > expirySeconds) {
        Where at = expiryAt.get(bucket.name());
        problems.add(at.at(), at.field(), "objects expire after " + bucket.expiryDays() + " days but queue '"
            + q.name() + "' (subscribed to topic '" + topic.name() + "') " + (longest == q.retentionSeconds() ? "" : "or its DLQ ")
            + "keeps messages " + longest + " s (" + ceilDays(longest) + " days): a pointer redriven then would find"
            + " its payload gone; expiryDays must be at least " + ceilDays(longest));
      }
    }
  }

  private static long ceilDays(int seconds) {
    return (seconds + 86_399L) / 86_400L;
  }
}
