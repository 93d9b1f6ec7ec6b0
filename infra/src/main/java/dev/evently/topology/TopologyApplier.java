package dev.evently.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.topology.Change.Action;
import dev.evently.topology.Change.AttributeChange;
import dev.evently.topology.Change.Kind;
import dev.evently.topology.internal.Json;
import dev.evently.topology.internal.Live;
import dev.evently.topology.internal.TopologyReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Converges an SNS/SQS endpoint to a {@link Topology}: {@link #plan()} shows the difference,
 * {@link #apply()} removes it (idempotently: a second apply changes nothing), {@link #destroy()}
 * deletes what the file declares.
 *
 * <p>Only what the file declares is touched. Deletions in {@code apply} are limited to
 * subscriptions from declared topics to declared queues that the file no longer lists. Queue
 * policies are merged: statements whose Sid starts with {@value QueuePolicies#SID_PREFIX} are
 * ours, all others are kept.
 *
 * <p>Attributes are compared only as far as the backend reports them; encryption is compared as
 * "SSE-SQS" versus "SSE-KMS(key)" because some backends (moto) report {@code SqsManagedSseEnabled}
 * even for KMS-encrypted queues.
 *
 * <p>Not thread-safe in the sense that two applies of the same topology must not run at once
 * (each may create what the other just created; the result is still correct, the report not).
 * A failed call to AWS stops the run with the SDK's exception; what was changed before stays
 * changed, and a new {@code apply} continues from there.
 */
public final class TopologyApplier {
  private static final String SSE_SQS = "SSE-SQS";

  private final Topology topology;
  private final SqsClient sqs;
  private final SnsClient sns;
  private final Naming naming;
  private final PayloadBuckets buckets;

  private TopologyApplier(Builder b) {
    this.topology = b.topology;
    this.sqs = b.sqs;
    this.sns = b.sns;
    this.naming = b.naming;
    this.buckets = b.s3 == null ? null : new PayloadBuckets(b.s3, b.naming);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What {@link #apply()} would change; reads only. */
  public Plan plan() {
    return new Run(true, c -> {}).converge();
  }

  /** Makes the endpoint match the file and returns the changes made. */
  public Plan apply() {
    return apply(c -> {});
  }

  /** Like {@link #apply()}, reporting each change to {@code progress} right after making it. */
  public Plan apply(Consumer<Change> progress) {
    return new Run(false, progress).converge();
  }

  /** What {@link #destroy()} would delete; reads only. */
  public Plan planDestroy() {
    return new Run(true, c -> {}).destroy();
  }

  /** Deletes the declared subscriptions, queues, DLQs and topics that exist; returns what it deleted. */
  public Plan destroy() {
    return destroy(c -> {});
  }

  public Plan destroy(Consumer<Change> progress) {
    return new Run(false, progress).destroy();
  }

  /** One plan, apply or destroy: reads the endpoint lazily and records changes. */
  private final class Run {
    private final boolean dryRun;
    private final Consumer<Change> progress;
    private final Live live = new Live(sqs, sns);
    private final List<Change> changes = new ArrayList<>();
    /** ARNs of queues that exist (or will), by physical name; for subscriptions and policies. */
    private final Map<String, String> queueArns = new HashMap<>();

    Run(boolean dryRun, Consumer<Change> progress) {
      this.dryRun = dryRun;
      this.progress = progress;
    }

    Plan converge() {
      if (buckets != null) { // first: a topic's pointers must find their bucket
        buckets.converge(topology, this::record);
      }
      Map<String, String> topicArns = new LinkedHashMap<>();
      for (TopicSpec t : topology.topics().values()) {
        topic(t).ifPresent(arn -> topicArns.put(t.name(), arn));
      }
      Set<String> wanted = new HashSet<>();
      for (QueueSpec q : topology.queues()) {
        Optional<String> dlqArn = q.dlq().flatMap(d -> dlq(q, d));
        Optional<String> queueArn = queue(q, dlqArn);
        queueArn.ifPresent(arn -> queueArns.put(naming.physical(q.name()), arn));
        queuePolicy(q, queueArn, topicArns);
        for (SubscriptionSpec s : q.subscriptions()) {
          wanted.add(naming.physical(s.topic()) + " -> " + naming.physical(q.name()));
          subscription(s, q, topicArns.get(s.topic()), queueArn);
        }
      }
      staleSubscriptions(topicArns, wanted);
      return new Plan(changes);
    }

    Plan destroy() {
      Set<String> declaredQueues = new HashSet<>();
      List<String> queueUrls = new ArrayList<>();
      List<String> dlqUrls = new ArrayList<>();
      for (QueueSpec q : topology.queues()) {
        String name = naming.physical(q.name());
        declaredQueues.add(name);
        live.queueUrl(name).ifPresent(url -> queueUrls.add(url));
        q.dlq().ifPresent(d -> {
          declaredQueues.add(naming.physical(d.name()));
          live.queueUrl(naming.physical(d.name())).ifPresent(dlqUrls::add);
        });
      }
      List<String> topicArns = new ArrayList<>();
      for (TopicSpec t : topology.topics().values()) {
        live.topicArn(naming.physical(t.name())).ifPresent(topicArns::add);
      }
      for (String topicArn : topicArns) {
        for (Subscription s : live.subscriptions(topicArn)) {
          if ("sqs".equals(s.protocol()) && declaredQueues.contains(Live.lastSegment(s.endpoint()))) {
            record(Change.delete(Kind.SUBSCRIPTION, subscriptionName(topicArn, s.endpoint())),
                () -> sns.unsubscribe(r -> r.subscriptionArn(s.subscriptionArn())));
          }
        }
      }
      for (String url : concat(queueUrls, dlqUrls)) {
        record(Change.delete(Kind.QUEUE, url.substring(url.lastIndexOf('/') + 1)),
            () -> sqs.deleteQueue(r -> r.queueUrl(url)));
      }
      for (String arn : topicArns) {
        record(Change.delete(Kind.TOPIC, Live.lastSegment(arn)), () -> sns.deleteTopic(r -> r.topicArn(arn)));
      }
      return new Plan(changes);
    }

    // --- topics ----------------------------------------------------------------------------

    private Optional<String> topic(TopicSpec t) {
      String name = naming.physical(t.name());
      Map<String, String> desired = new LinkedHashMap<>();
      if (t.fifo()) {
        desired.put("FifoTopic", "true");
        desired.put("ContentBasedDeduplication", String.valueOf(t.contentBasedDeduplication()));
      }
      t.kmsKeyId().ifPresent(k -> desired.put("KmsMasterKeyId", k));
      if (t.maxMessageSize() > 0) {
        desired.put("MaximumMessageSize", String.valueOf(t.maxMessageSize()));
      }
      Optional<String> existing = live.topicArn(name);
      if (existing.isEmpty()) {
        String[] arn = new String[1];
        record(Change.create(Kind.TOPIC, name), () -> {
          arn[0] = sns.createTopic(r -> r.name(name).attributes(desired)).topicArn();
          live.topicCreated(name, arn[0]);
        });
        return Optional.ofNullable(arn[0]);
      }
      String arn = existing.get();
      Map<String, String> actual = live.topicAttributes(arn);
      List<AttributeChange> diffs = new ArrayList<>();
      Map<String, String> updates = new LinkedHashMap<>();
      if (t.fifo()) {
        compare("ContentBasedDeduplication", actual.getOrDefault("ContentBasedDeduplication", "false"),
            desired.get("ContentBasedDeduplication"), diffs, updates);
      }
      if (t.maxMessageSize() > 0) {
        compare("MaximumMessageSize", actual.getOrDefault("MaximumMessageSize", "(none)"),
            desired.get("MaximumMessageSize"), diffs, updates);
      }
      String liveKey = blankToNone(actual.get("KmsMasterKeyId"));
      String wantKey = t.kmsKeyId().orElse("(none)");
      if (!liveKey.equals(wantKey)) {
        diffs.add(new AttributeChange("KmsMasterKeyId", liveKey, wantKey));
        updates.put("KmsMasterKeyId", t.kmsKeyId().orElse(""));
      }
      if (!diffs.isEmpty()) {
        record(new Change(Action.UPDATE, Kind.TOPIC, name, diffs), () -> updates.forEach(
            (k, v) -> sns.setTopicAttributes(r -> r.topicArn(arn).attributeName(k).attributeValue(v))));
      }
      return existing;
    }

    // --- queues ----------------------------------------------------------------------------

    private Optional<String> dlq(QueueSpec q, DlqSpec d) {
      Map<String, String> desired = new LinkedHashMap<>();
      if (q.fifo()) {
        desired.put("FifoQueue", "true");
      }
      desired.put("MessageRetentionPeriod", String.valueOf(d.retentionSeconds()));
      if (q.maxMessageSize() > 0) { // a dead-lettered copy is as large as the message
        desired.put("MaximumMessageSize", String.valueOf(q.maxMessageSize()));
      }
      return convergeQueue(naming.physical(d.name()), q, desired, Optional.empty());
    }

    private Optional<String> queue(QueueSpec q, Optional<String> dlqArn) {
      Map<String, String> desired = new LinkedHashMap<>();
      if (q.fifo()) {
        desired.put("FifoQueue", "true");
        desired.put("ContentBasedDeduplication", String.valueOf(q.contentBasedDeduplication()));
      }
      desired.put("VisibilityTimeout", String.valueOf(q.visibilityTimeoutSeconds()));
      desired.put("MessageRetentionPeriod", String.valueOf(q.retentionSeconds()));
      if (q.maxMessageSize() > 0) {
        desired.put("MaximumMessageSize", String.valueOf(q.maxMessageSize()));
      }
      return convergeQueue(naming.physical(q.name()), q, desired, Optional.of(dlqArn));
    }

    /**
     * Creates or updates one queue. {@code redrive} is empty for a DLQ (whose redrive policy is
     * not managed); otherwise it holds the DLQ's ARN if known, or nothing for "no DLQ".
     */
    private Optional<String> convergeQueue(String name, QueueSpec q, Map<String, String> desired,
        Optional<Optional<String>> redrive) {
      Optional<String> url = live.queueUrl(name);
      boolean wantsRedrive = redrive.isPresent() && q.dlq().isPresent();
      if (url.isEmpty()) {
        Map<String, String> attributes = new LinkedHashMap<>(desired);
        attributes.putAll(encryptionAttributes(q, false));
        String[] arn = new String[1];
        record(Change.create(Kind.QUEUE, name), () -> {
          if (wantsRedrive) {
            attributes.put("RedrivePolicy", redrivePolicy(redrive.get().orElseThrow(), q.maxReceiveCount()));
          }
          String created = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes)).queueUrl();
          arn[0] = live.queueAttributes(created).get("QueueArn");
        });
        return Optional.ofNullable(arn[0]);
      }
      Map<String, String> actual = live.queueAttributes(url.get());
      String arn = actual.get("QueueArn");
      List<AttributeChange> diffs = new ArrayList<>();
      Map<String, String> updates = new LinkedHashMap<>();
      desired.forEach((k, v) -> {
        if (!k.equals("FifoQueue")) {
          compare(k, actual.getOrDefault(k, "(none)"), v, diffs, updates);
        }
      });
      String liveEncryption = describeEncryption(actual);
      String wantEncryption = q.kmsKeyId().map(k -> "SSE-KMS(" + k + ")").orElse(SSE_SQS);
      if (!liveEncryption.equals(wantEncryption)) {
        diffs.add(new AttributeChange("Encryption", liveEncryption, wantEncryption));
        updates.putAll(encryptionAttributes(q, !liveEncryption.equals("(none)")));
      }
      if (redrive.isPresent()) {
        redriveDiff(q, arn, redrive.get(), actual.get("RedrivePolicy"), diffs, updates);
      }
      if (!diffs.isEmpty()) {
        String policy = actual.get("Policy");
        if (policy != null && !policy.isBlank()) {
          // moto drops the policy on any SetQueueAttributes without one; re-sending it is a no-op on AWS
          updates.put("Policy", policy);
        }
        record(new Change(Action.UPDATE, Kind.QUEUE, name, diffs),
            () -> sqs.setQueueAttributes(r -> r.queueUrl(url.get()).attributesWithStrings(updates)));
      }
      return Optional.ofNullable(arn);
    }

    private void redriveDiff(QueueSpec q, String queueArn, Optional<String> dlqArn, String liveJson,
        List<AttributeChange> diffs, Map<String, String> updates) {
      Optional<JsonNode> live = Json.parse(liveJson);
      String liveTarget = live.map(p -> p.path("deadLetterTargetArn").asText()).map(Live::lastSegment).orElse("(none)");
      String liveMax = live.map(p -> p.path("maxReceiveCount").asText()).orElse("(none)");
      String wantTarget = q.dlq().map(d -> naming.physical(d.name())).orElse("(none)");
      String wantMax = q.dlq().isPresent() ? String.valueOf(q.maxReceiveCount()) : "(none)";
      if (liveTarget.equals(wantTarget) && liveMax.equals(wantMax)) {
        return;
      }
      if (!liveTarget.equals(wantTarget)) {
        diffs.add(new AttributeChange("RedrivePolicy.deadLetterTarget", liveTarget, wantTarget));
      }
      if (!liveMax.equals(wantMax)) {
        diffs.add(new AttributeChange("RedrivePolicy.maxReceiveCount", liveMax, wantMax));
      }
      updates.put("RedrivePolicy", q.dlq().isEmpty() ? ""
          : redrivePolicy(dlqArn.orElseGet(() -> Live.siblingArn(queueArn, "sqs", wantTarget)), q.maxReceiveCount()));
    }

    // --- policies and subscriptions ---------------------------------------------------------

    private void queuePolicy(QueueSpec q, Optional<String> queueArn, Map<String, String> topicArns) {
      String name = naming.physical(q.name());
      if (queueArn.isEmpty()) {
        // the queue is to be created (dry run): its policy comes with it
        if (!q.subscriptions().isEmpty()) {
          changes.add(Change.create(Kind.QUEUE_POLICY, name));
        }
        return;
      }
      Map<String, String> topics = new LinkedHashMap<>();
      for (SubscriptionSpec s : q.subscriptions()) {
        String topic = naming.physical(s.topic());
        topics.put(s.topic(), Optional.ofNullable(topicArns.get(s.topic()))
            .orElseGet(() -> Live.siblingArn(queueArn.get(), "sns", topic)));
      }
      List<ObjectNode> desired = QueuePolicies.statements(queueArn.get(), topics);
      String url = live.queueUrl(name).orElse(null);
      String policy = url == null ? null : live.queueAttributes(url).get("Policy");
      List<JsonNode> ours = QueuePolicies.ownStatements(policy);
      if (new HashSet<>(ours).equals(new HashSet<JsonNode>(desired))) {
        return;
      }
      String before = sids(ours);
      String after = sids(desired);
      Change change = ours.isEmpty() ? Change.create(Kind.QUEUE_POLICY, name)
          : desired.isEmpty() ? Change.delete(Kind.QUEUE_POLICY, name)
          : new Change(Action.UPDATE, Kind.QUEUE_POLICY, name, List.of(new AttributeChange("Statements",
              before, before.equals(after) ? after + " (conditions changed)" : after)));
      record(change, () -> {
        String merged = QueuePolicies.merge(policy, desired);
        sqs.setQueueAttributes(r -> r.queueUrl(url).attributesWithStrings(Map.of("Policy", merged)));
      });
    }

    private void subscription(SubscriptionSpec s, QueueSpec q, String topicArn, Optional<String> queueArn) {
      String name = naming.physical(s.topic()) + " -> " + naming.physical(q.name());
      Optional<Subscription> existing = topicArn == null || queueArn.isEmpty() ? Optional.empty()
          : live.subscriptions(topicArn).stream()
              .filter(x -> "sqs".equals(x.protocol()) && queueArn.get().equals(x.endpoint())).findFirst();
      Map<String, String> desired = new LinkedHashMap<>();
      desired.put("RawMessageDelivery", String.valueOf(s.rawDelivery()));
      s.filterPolicy().ifPresent(f -> {
        desired.put("FilterPolicy", f);
        desired.put("FilterPolicyScope", s.filterPolicyScope().name());
      });
      if (existing.isEmpty()) {
        record(Change.create(Kind.SUBSCRIPTION, name), () -> sns.subscribe(r -> r.topicArn(topicArn)
            .protocol("sqs").endpoint(queueArn.orElseThrow()).attributes(desired).returnSubscriptionArn(true)));
        return;
      }
      String subscriptionArn = existing.get().subscriptionArn();
      Map<String, String> actual = live.subscriptionAttributes(subscriptionArn);
      List<AttributeChange> diffs = new ArrayList<>();
      Map<String, String> updates = new LinkedHashMap<>();
      compare("RawMessageDelivery", actual.getOrDefault("RawMessageDelivery", "false"),
          desired.get("RawMessageDelivery"), diffs, updates);
      Optional<JsonNode> liveFilter = Json.parse(actual.get("FilterPolicy")).filter(n -> !n.isEmpty());
      Optional<JsonNode> wantFilter = s.filterPolicy().flatMap(Json::parse);
      if (!liveFilter.equals(wantFilter)) {
        diffs.add(new AttributeChange("FilterPolicy", liveFilter.map(Json::compact).orElse("(none)"),
            wantFilter.map(Json::compact).orElse("(none)")));
        updates.put("FilterPolicy", s.filterPolicy().orElse("{}"));
      }
      if (s.filterPolicy().isPresent()) {
        compare("FilterPolicyScope", actual.getOrDefault("FilterPolicyScope", "MessageAttributes"),
            s.filterPolicyScope().name(), diffs, updates);
      }
      if (!diffs.isEmpty()) {
        record(new Change(Action.UPDATE, Kind.SUBSCRIPTION, name, diffs), () -> updates.forEach((k, v) ->
            sns.setSubscriptionAttributes(r -> r.subscriptionArn(subscriptionArn).attributeName(k).attributeValue(v))));
      }
    }

    private void staleSubscriptions(Map<String, String> topicArns, Set<String> wanted) {
      Set<String> declaredQueueArns = new HashSet<>(queueArns.values());
      for (QueueSpec q : topology.queues()) {
        q.dlq().ifPresent(d -> live.queueUrl(naming.physical(d.name()))
            .ifPresent(url -> declaredQueueArns.add(live.queueAttributes(url).get("QueueArn"))));
      }
      for (String topicArn : topicArns.values()) {
        for (Subscription s : live.subscriptions(topicArn)) {
          String name = subscriptionName(topicArn, s.endpoint());
          if ("sqs".equals(s.protocol()) && declaredQueueArns.contains(s.endpoint()) && !wanted.contains(name)) {
            record(Change.delete(Kind.SUBSCRIPTION, name),
                () -> sns.unsubscribe(r -> r.subscriptionArn(s.subscriptionArn())));
          }
        }
      }
    }

    // --- helpers ---------------------------------------------------------------------------

    private void record(Change change, Runnable action) {
      if (!dryRun) {
        action.run();
      }
      changes.add(change);
      if (!dryRun) {
        progress.accept(change);
      }
    }
  }

  private static String subscriptionName(String topicArn, String queueArn) {
    return Live.lastSegment(topicArn) + " -> " + Live.lastSegment(queueArn);
  }

  private static void compare(String attribute, String actual, String desired, List<AttributeChange> diffs,
      Map<String, String> updates) {
    if (!Objects.equals(actual, desired)) {
      diffs.add(new AttributeChange(attribute, actual, desired));
      updates.put(attribute, desired);
    }
  }

  private static String redrivePolicy(String dlqArn, int maxReceiveCount) {
    ObjectNode p = Json.object();
    p.put("deadLetterTargetArn", dlqArn);
    p.put("maxReceiveCount", maxReceiveCount);
    return Json.compact(p);
  }

  /** SSE-SQS unless a KMS key is declared; switching from KMS to SSE-SQS also clears the key. */
  private static Map<String, String> encryptionAttributes(QueueSpec q, boolean clearKey) {
    if (q.kmsKeyId().isPresent()) {
      return Map.of("KmsMasterKeyId", q.kmsKeyId().get());
    }
    return clearKey ? Map.of("SqsManagedSseEnabled", "true", "KmsMasterKeyId", "")
        : Map.of("SqsManagedSseEnabled", "true");
  }

  private static String describeEncryption(Map<String, String> attributes) {
    String key = attributes.get("KmsMasterKeyId");
    if (key != null && !key.isBlank()) {
      return "SSE-KMS(" + key + ")";
    }
    return "true".equals(attributes.get("SqsManagedSseEnabled")) ? SSE_SQS : "(none)";
  }

  private static String blankToNone(String value) {
    return value == null || value.isBlank() ? "(none)" : value;
  }

  private static String sids(List<? extends JsonNode> statements) {
    return statements.stream().map(s -> s.path("Sid").asText()).collect(Collectors.toCollection(TreeSet::new)).toString();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Builds a {@link TopologyApplier}; topology and both clients are required. */
  public static final class Builder {
    private Topology topology;
    private SqsClient sqs;
    private SnsClient sns;
    private S3Client s3;
    private Naming naming = Naming.NONE;

    private Builder() {}

    public Builder topology(Topology topology) {
      this.topology = Objects.requireNonNull(topology, "topology");
      return this;
    }

    public Builder sqs(SqsClient sqs) {
      this.sqs = Objects.requireNonNull(sqs, "sqs");
      return this;
    }

    public Builder sns(SnsClient sns) {
      this.sns = Objects.requireNonNull(sns, "sns");
      return this;
    }

    /**
     * The S3 client for the {@code payloads:} buckets (path-style access against moto or
     * LocalStack). Without one, the buckets are left out of plan and apply (the CLI always
     * passes one when the topology declares buckets).
     */
    public Builder s3(S3Client s3) {
      this.s3 = Objects.requireNonNull(s3, "s3");
      return this;
    }

    /** How logical names become AWS names; {@link Naming#NONE} by default. */
    public Builder naming(Naming naming) {
      this.naming = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /**
     * @throws IllegalArgumentException when something is missing, or a name with the naming's
     *     prefix and suffix is longer than AWS allows
     */
    public TopologyApplier build() {
      if (topology == null) {
        throw new IllegalArgumentException("topology must be set");
      }
      if (sqs == null) {
        throw new IllegalArgumentException("sqs must be set");
      }
      if (sns == null) {
        throw new IllegalArgumentException("sns must be set");
      }
      checkNames(topology, naming);
      return new TopologyApplier(this);
    }
  }

  /** Checks that every AWS name fits the limits once prefix and suffix are added. */
  static void checkNames(Topology topology, Naming naming) {
    for (TopicSpec t : topology.topics().values()) {
      checkLength(naming.physical(t.name()), TopologyReader.MAX_TOPIC_NAME, "topic");
    }
    for (QueueSpec q : topology.queues()) {
      checkLength(naming.physical(q.name()), TopologyReader.MAX_QUEUE_NAME, "queue");
      q.dlq().ifPresent(d -> checkLength(naming.physical(d.name()), TopologyReader.MAX_QUEUE_NAME, "queue"));
    }
  }

  private static void checkLength(String name, int max, String what) {
    if (name.length() > max) {
      throw new IllegalArgumentException(what + " name '" + name + "' is " + name.length()
          + " characters long with the name prefix/suffix; AWS allows at most " + max);
    }
  }
}
