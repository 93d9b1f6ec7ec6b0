package dev.evently.topology.internal;

import com.fasterxml.jackson.core.JsonToken;
import dev.evently.topology.DlqSpec;
import dev.evently.topology.FilterPolicyScope;
import dev.evently.topology.QueueSpec;
import dev.evently.topology.ServiceSpec;
import dev.evently.topology.SubscriptionSpec;
import dev.evently.topology.TopicSpec;
import dev.evently.topology.Topology;
import dev.evently.topology.internal.YamlTree.Entry;
import dev.evently.topology.internal.YamlTree.ListNode;
import dev.evently.topology.internal.YamlTree.Location;
import dev.evently.topology.internal.YamlTree.MapNode;
import dev.evently.topology.internal.YamlTree.Node;
import dev.evently.topology.internal.YamlTree.ScalarNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a parsed YAML tree into a validated {@link Topology}, reporting every problem with its location. */
public final class TopologyReader {
  public static final String FIFO_SUFFIX = ".fifo";
  public static final int MAX_QUEUE_NAME = 80;
  public static final int MAX_TOPIC_NAME = 256;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");
  private static final int MAX_VISIBILITY = 43_200;
  private static final int MIN_RETENTION = 60;
  private static final int MAX_RETENTION = 1_209_600;

  private static final Set<String> TOP_KEYS = keys("payloads", "topics", "services");
  private static final Set<String> TOPIC_KEYS = keys("fifo", "contentBasedDeduplication", "kmsKeyId", "maxMessageSize", "payloads");
  private static final Set<String> SERVICE_KEYS = keys("publishes", "queues");
  private static final Set<String> QUEUE_KEYS = keys("name", "fifo", "contentBasedDeduplication",
      "subscriptions", "visibilityTimeout", "retention", "maxReceiveCount", "dlq", "kmsKeyId", "maxMessageSize");
  private static final Set<String> SUBSCRIPTION_KEYS = keys("topic", "rawDelivery", "filterPolicy", "filterPolicyScope");
  private static final Set<String> DLQ_KEYS = keys("name", "retention");

  private final Path file;
  private final Problems problems;
  private final Map<String, TopicSpec> topics = new LinkedHashMap<>();
  private final Set<String> declaredTopics = new HashSet<>();
  private final Map<String, String> queueNames = new HashMap<>();
  private final LargeMessages large;

  private TopologyReader(Path file) {
    this.file = file;
    this.problems = new Problems(file);
    this.large = new LargeMessages(this, problems);
  }

  /** Reads and validates; throws {@link dev.evently.topology.TopologyException} listing every problem. */
  public static Topology read(Node root, Path file) {
    TopologyReader reader = new TopologyReader(file);
    Topology topology = reader.topology(root);
    reader.problems.throwIfAny();
    return topology;
  }

  private Topology topology(Node root) {
    if (root instanceof ScalarNode s && s.isNull()) {
      problems.add(root.location(), "", "the file is empty; expected the keys 'topics' and 'services'");
      return null;
    }
    MapNode top = map(root, "");
    if (top == null) {
      return null;
    }
    checkKeys(top, "", TOP_KEYS);
    Map<String, dev.evently.topology.PayloadBucketSpec> payloads = large.payloads(value(top, "payloads"));
    MapNode topicsNode = map(value(top, "topics"), "topics");
    if (topicsNode != null) {
      topicsNode.entries().values().forEach(e -> declaredTopics.add(e.key()));
      for (Entry e : topicsNode.entries().values()) {
        topic(e);
      }
    }
    Map<String, ServiceSpec> services = new LinkedHashMap<>();
    MapNode servicesNode = map(value(top, "services"), "services");
    if (servicesNode != null) {
      for (Entry e : servicesNode.entries().values()) {
        ServiceSpec s = service(e);
        if (s != null) {
          services.put(s.name(), s);
        }
      }
    }
    if ((topicsNode == null || topicsNode.entries().isEmpty())
        && (servicesNode == null || servicesNode.entries().isEmpty()) && problems.isEmpty()) {
      problems.add(top.location(), "", "the topology declares no topics and no services");
    }
    Topology topology = new Topology(file, topics, services, payloads);
    large.check(topology);
    return topology;
  }

  private void topic(Entry e) {
    String path = "topics." + e.key();
    String name = e.key();
    boolean nameOk = name(name, e.keyLocation(), path, MAX_TOPIC_NAME, "topic");
    MapNode m = map(e.value(), path);
    if (m == null) {
      return;
    }
    checkKeys(m, path, TOPIC_KEYS);
    boolean fifo = fifoFlag(m, path, name, "topic");
    boolean cbd = bool(m, path, "contentBasedDeduplication", false);
    if (cbd && !fifo) {
      problems.add(value(m, "contentBasedDeduplication").location(), path + ".contentBasedDeduplication",
          "only a FIFO topic can deduplicate by content");
    }
    Optional<String> kms = optionalString(m, path, "kmsKeyId");
    int size = large.size(m, path, name);
    Optional<String> payloads = large.topicPayloads(m, path);
    if (nameOk) {
      topics.put(name, new TopicSpec(name, fifo, cbd, kms, size, payloads));
    }
  }

  private ServiceSpec service(Entry e) {
    String path = "services." + e.key();
    if (!NAME.matcher(e.key()).matches()) {
      problems.add(e.keyLocation(), path, "a service name may contain only letters, digits, '-' and '_'");
    }
    MapNode m = map(e.value(), path);
    if (m == null) {
      return null;
    }
    checkKeys(m, path, SERVICE_KEYS);
    List<String> publishes = new ArrayList<>();
    ListNode pub = list(value(m, "publishes"), path + ".publishes");
    if (pub != null) {
      for (int i = 0; i < pub.items().size(); i++) {
        String p = path + ".publishes[" + i + "]";
        Node item = pub.items().get(i);
        String topic = scalarString(item, p);
        if (topic == null) {
          continue;
        }
        if (!declaredTopics.contains(topic)) {
          problems.add(item.location(), p, unknownTopic(topic));
        } else if (publishes.contains(topic)) {
          problems.add(item.location(), p, "topic '" + topic + "' is listed twice");
        } else {
          publishes.add(topic);
        }
      }
    }
    List<QueueSpec> queues = new ArrayList<>();
    ListNode qs = list(value(m, "queues"), path + ".queues");
    if (qs != null) {
      for (int i = 0; i < qs.items().size(); i++) {
        QueueSpec q = queue(qs.items().get(i), path + ".queues[" + i + "]", e.key());
        if (q != null) {
          queues.add(q);
        }
      }
    }
    return new ServiceSpec(e.key(), publishes, queues);
  }

  private QueueSpec queue(Node node, String path, String service) {
    MapNode m = map(node, path);
    if (m == null) {
      return null;
    }
    checkKeys(m, path, QUEUE_KEYS);
    String name = required(m, path, "name", "a queue needs a name");
    if (name == null) {
      return null;
    }
    Node nameNode = value(m, "name");
    if (!name(name, nameNode.location(), path + ".name", MAX_QUEUE_NAME, "queue")) {
      return null;
    }
    if (!claimName(name, nameNode.location(), path + ".name")) {
      return null;
    }
    boolean fifo = fifoFlag(m, path, name, "queue");
    boolean cbd = bool(m, path, "contentBasedDeduplication", false);
    if (cbd && !fifo) {
      problems.add(value(m, "contentBasedDeduplication").location(), path + ".contentBasedDeduplication",
          "only a FIFO queue can deduplicate by content");
    }
    int visibility = duration(m, path, "visibilityTimeout", QueueSpec.DEFAULT_VISIBILITY_TIMEOUT, 0, MAX_VISIBILITY);
    int retention = duration(m, path, "retention", QueueSpec.DEFAULT_RETENTION, MIN_RETENTION, MAX_RETENTION);
    int maxReceive = integer(m, path, "maxReceiveCount", QueueSpec.DEFAULT_MAX_RECEIVE_COUNT, 1, 1000);
    int size = large.size(m, path, name);
    Optional<String> kms = optionalString(m, path, "kmsKeyId");
    Optional<DlqSpec> dlq = dlq(m, path, name, fifo, retention);
    if (dlq.isEmpty() && value(m, "maxReceiveCount") != null) {
      problems.add(value(m, "maxReceiveCount").location(), path + ".maxReceiveCount",
          "has no effect without a DLQ (dlq: false)");
    }
    List<SubscriptionSpec> subscriptions = new ArrayList<>();
    ListNode subs = list(value(m, "subscriptions"), path + ".subscriptions");
    if (subs != null) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < subs.items().size(); i++) {
        String p = path + ".subscriptions[" + i + "]";
        SubscriptionSpec s = subscription(subs.items().get(i), p, name, fifo);
        if (s != null && !seen.add(s.topic())) {
          problems.add(subs.items().get(i).location(), p + ".topic",
              "queue '" + name + "' already subscribes to topic '" + s.topic() + "'");
        } else if (s != null) {
          subscriptions.add(s);
        }
      }
    }
    return new QueueSpec(name, service, fifo, cbd, visibility, retention, maxReceive, dlq, kms, subscriptions, size);
  }

  private Optional<DlqSpec> dlq(MapNode queue, String queuePath, String queueName, boolean fifo, int queueRetention) {
    String path = queuePath + ".dlq";
    Node node = value(queue, "dlq");
    String defaultName = defaultDlqName(queueName);
    if (node instanceof ScalarNode s && (s.token() == JsonToken.VALUE_FALSE || s.token() == JsonToken.VALUE_TRUE)) {
      if (s.token() == JsonToken.VALUE_FALSE) {
        return Optional.empty();
      }
      node = null;
    }
    String name = defaultName;
    Location nameAt = queue.entries().get("name").value().location();
    String namePath = queuePath + ".name";
    int retention = QueueSpec.DEFAULT_DLQ_RETENTION;
    Location retentionAt = null;
    if (node != null) {
      if (!(node instanceof MapNode m)) {
        problems.add(node.location(), path, "must be true, false or a mapping with name and retention, was " + node.kind());
        return Optional.empty();
      }
      checkKeys(m, path, DLQ_KEYS);
      Node n = value(m, "name");
      if (n != null) {
        name = scalarString(n, path + ".name");
        if (name == null) {
          return Optional.empty();
        }
        nameAt = n.location();
        namePath = path + ".name";
      }
      retention = duration(m, path, "retention", QueueSpec.DEFAULT_DLQ_RETENTION, MIN_RETENTION, MAX_RETENTION);
      retentionAt = value(m, "retention") == null ? null : value(m, "retention").location();
    }
    if (!name(name, nameAt, namePath, MAX_QUEUE_NAME, "dead-letter queue")) {
      return Optional.empty();
    }
    if (name.endsWith(FIFO_SUFFIX) != fifo) {
      problems.add(nameAt, namePath, fifo
          ? "the DLQ of a FIFO queue must be FIFO: its name must end in '.fifo'"
          : "the DLQ of a standard queue must be standard: its name must not end in '.fifo'");
      return Optional.empty();
    }
    claimName(name, nameAt, namePath);
    if (retention < queueRetention) {
      Node queueRetentionNode = value(queue, "retention");
      Location at = retentionAt != null ? retentionAt
          : queueRetentionNode != null ? queueRetentionNode.location() : queue.location();
      String field = retentionAt != null ? path + ".retention" : queuePath + ".retention";
      problems.add(at, field, "the DLQ keeps messages " + retention + " s but its queue " + queueRetention
          + " s: SQS keeps a message's original enqueue time, so dead letters would expire early;"
          + " the DLQ's retention must not be shorter than the queue's");
    }
    return Optional.of(new DlqSpec(name, retention));
  }

  /** {@code orders} gets {@code orders-dlq}, {@code orders.fifo} gets {@code orders-dlq.fifo}. */
  public static String defaultDlqName(String queueName) {
    return queueName.endsWith(FIFO_SUFFIX)
        ? queueName.substring(0, queueName.length() - FIFO_SUFFIX.length()) + "-dlq" + FIFO_SUFFIX
        : queueName + "-dlq";
  }

  private SubscriptionSpec subscription(Node node, String path, String queue, boolean queueFifo) {
    MapNode m = map(node, path);
    if (m == null) {
      return null;
    }
    checkKeys(m, path, SUBSCRIPTION_KEYS);
    String topic = required(m, path, "topic", "a subscription needs a topic");
    if (topic == null) {
      return null;
    }
    Node topicNode = value(m, "topic");
    if (!declaredTopics.contains(topic)) {
      problems.add(topicNode.location(), path + ".topic", unknownTopic(topic));
      return null;
    }
    TopicSpec t = topics.get(topic);
    if (t != null && t.fifo() != queueFifo) {
      problems.add(topicNode.location(), path + ".topic", queueFifo
          ? "FIFO queue '" + queue + "' cannot subscribe to standard topic '" + topic + "'"
          : "standard queue '" + queue + "' cannot subscribe to FIFO topic '" + topic
              + "' (ordering and deduplication would be lost); make the queue FIFO");
    }
    boolean raw = bool(m, path, "rawDelivery", false);
    FilterPolicyScope scope = FilterPolicyScope.MessageAttributes;
    Node scopeNode = value(m, "filterPolicyScope");
    if (scopeNode != null) {
      String s = scalarString(scopeNode, path + ".filterPolicyScope");
      try {
        scope = s == null ? scope : FilterPolicyScope.valueOf(s);
      } catch (IllegalArgumentException e) {
        problems.add(scopeNode.location(), path + ".filterPolicyScope",
            "must be MessageAttributes or MessageBody, was '" + s + "'");
      }
    }
    Optional<String> filter = Optional.empty();
    Node policy = value(m, "filterPolicy");
    if (policy != null) {
      if (FilterPolicyValidator.validate(policy, path + ".filterPolicy", scope, problems)) {
        filter = Optional.of(Json.compact(Json.toJson(policy)));
      }
    } else if (scopeNode != null) {
      problems.add(scopeNode.location(), path + ".filterPolicyScope", "is set but there is no filterPolicy");
    }
    return new SubscriptionSpec(topic, raw, filter, scope);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private boolean fifoFlag(MapNode m, String path, String name, String what) {
    boolean byName = name.endsWith(FIFO_SUFFIX);
    Node flag = value(m, "fifo");
    if (flag != null) {
      boolean declared = bool(m, path, "fifo", byName);
      if (declared != byName) {
        problems.add(flag.location(), path + ".fifo", declared
            ? "a FIFO " + what + "'s name must end in '.fifo' ('" + name + "' does not)"
            : "'" + name + "' ends in '.fifo', which AWS reserves for FIFO " + what + "s");
      }
    }
    return byName;
  }

  private boolean name(String name, Location at, String path, int max, String what) {
    String base = name.endsWith(FIFO_SUFFIX) ? name.substring(0, name.length() - FIFO_SUFFIX.length()) : name;
    if (base.isEmpty() || !NAME.matcher(base).matches()) {
      problems.add(at, path, "'" + name + "' is not a valid " + what
          + " name: use letters, digits, '-' and '_' (plus a '.fifo' ending for FIFO)");
      return false;
    }
    if (name.length() > max) {
      problems.add(at, path, "'" + name + "' is " + name.length() + " characters long; AWS allows at most " + max
          + " for a " + what + " name");
      return false;
    }
    return true;
  }

  private boolean claimName(String name, Location at, String path) {
    String previous = queueNames.putIfAbsent(name, path);
    if (previous != null) {
      problems.add(at, path, "queue name '" + name + "' is already used by " + previous);
    }
    return previous == null;
  }

  private String unknownTopic(String topic) {
    return "unknown topic '" + topic + "'" + suggestion(topic, declaredTopics)
        + "; declared topics: " + (declaredTopics.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(declaredTopics)));
  }

  static Node value(MapNode m, String key) {
    Entry e = m.entries().get(key);
    if (e == null || (e.value() instanceof ScalarNode s && s.isNull())) {
      return null;
    }
    return e.value();
  }

  MapNode map(Node node, String path) {
    if (node == null) {
      return null;
    }
    if (node instanceof ScalarNode s && s.isNull()) {
      return new MapNode(node.location(), Map.of());
    }
    if (node instanceof MapNode m) {
      return m;
    }
    problems.add(node.location(), path, "must be a mapping, was " + node.kind());
    return null;
  }

  private ListNode list(Node node, String path) {
    if (node == null) {
      return null;
    }
    if (node instanceof ListNode l) {
      return l;
    }
    problems.add(node.location(), path, "must be a list, was " + node.kind());
    return null;
  }

  String scalarString(Node node, String path) {
    if (node instanceof ScalarNode s && (s.token() == JsonToken.VALUE_STRING
        || s.token() == JsonToken.VALUE_NUMBER_INT) && !s.text().isBlank()) {
      return s.text();
    }
    problems.add(node.location(), path, "must be a non-empty string, was " + node.kind());
    return null;
  }

  /** The string at {@code key}, or null after reporting it missing (at the mapping) or mistyped. */
  private String required(MapNode m, String parent, String key, String missing) {
    Node n = value(m, key);
    if (n == null) {
      problems.add(m.location(), parent + "." + key, missing);
      return null;
    }
    return scalarString(n, parent + "." + key);
  }

  Optional<String> optionalString(MapNode m, String parent, String key) {
    Node n = value(m, key);
    return n == null ? Optional.empty() : Optional.ofNullable(scalarString(n, parent + "." + key));
  }

  private boolean bool(MapNode m, String parent, String key, boolean def) {
    Node n = value(m, key);
    if (n == null) {
      return def;
    }
    if (n instanceof ScalarNode s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
      return s.token() == JsonToken.VALUE_TRUE;
    }
    problems.add(n.location(), parent + "." + key, "must be true or false, was " + describe(n));
    return def;
  }

  int integer(MapNode m, String parent, String key, int def, int min, int max) {
    Node n = value(m, key);
    if (n == null) {
      return def;
    }
    if (!(n instanceof ScalarNode s) || s.token() != JsonToken.VALUE_NUMBER_INT) {
      problems.add(n.location(), parent + "." + key, "must be an integer, was " + describe(n));
      return def;
    }
    return inRange(n, parent + "." + key, new java.math.BigInteger(s.text()), min, max, "", def);
  }

  /** Seconds, written as an integer or as {@code 30s}, {@code 5m}, {@code 12h}, {@code 14d}. */
  private int duration(MapNode m, String parent, String key, int def, int min, int max) {
    Node n = value(m, key);
    if (n == null) {
      return def;
    }
    String field = parent + "." + key;
    if (n instanceof ScalarNode s && s.token() == JsonToken.VALUE_NUMBER_INT) {
      return inRange(n, field, new java.math.BigInteger(s.text()), min, max, " seconds", def);
    }
    if (n instanceof ScalarNode s && s.token() == JsonToken.VALUE_STRING) {
      Matcher d = DURATION.matcher(s.text().trim());
      if (d.matches()) {
        long factor = switch (d.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          default -> 86_400;
        };
        return inRange(n, field, new java.math.BigInteger(d.group(1)).multiply(java.math.BigInteger.valueOf(factor)),
            min, max, " seconds", def);
      }
    }
    problems.add(n.location(), field,
        "must be a number of seconds or a duration such as 30s, 5m, 12h or 14d, was " + describe(n));
    return def;
  }

  private int inRange(Node n, String field, java.math.BigInteger value, int min, int max, String unit, int def) {
    if (value.compareTo(java.math.BigInteger.valueOf(min)) < 0 || value.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      problems.add(n.location(), field, "must be between " + min + " and " + max + unit + ", was " + value);
      return def;
    }
    return value.intValueExact();
  }

  private static String describe(Node n) {
    return n instanceof ScalarNode s && !s.isNull() ? s.kind() + " '" + s.text() + "'" : n.kind();
  }

  void checkKeys(MapNode m, String path, Set<String> allowed) {
    for (Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        problems.add(e.keyLocation(), path.isEmpty() ? e.key() : path + "." + e.key(),
            "unknown key '" + e.key() + "'" + suggestion(e.key(), allowed) + "; allowed here: " + String.join(", ", allowed));
      }
    }
  }

  private static String suggestion(String word, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, word.length() / 4) ? " (did you mean '" + best + "'?)" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Set<String> keys(String... keys) {
    return new LinkedHashSet<>(Arrays.asList(keys));
  }
}
