package dev.evently.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.topology.internal.Json;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Least-privilege IAM policies for the services of a topology. A service may
 * <ul>
 *   <li>publish to the topics it {@code publishes} ({@code sns:Publish}, and
 *       {@code sns:GetTopicAttributes} to verify them at start-up);</li>
 *   <li>consume its own queues ({@code sqs:ReceiveMessage}, {@code DeleteMessage},
 *       {@code ChangeMessageVisibility}, {@code GetQueueAttributes}, {@code GetQueueUrl});</li>
 *   <li>send poison messages to those queues' DLQs ({@code sqs:SendMessage});</li>
 *   <li>store large events' payloads ({@code s3:PutObject}) in the {@code payloads} bucket of the
 *       topics it publishes, and read them ({@code s3:GetObject}) from that of the topics its
 *       queues subscribe to: objects only, never list or delete;</li>
 *   <li>use the KMS keys of exactly those topics, queues and buckets.</li>
 * </ul>
 * Nothing else: no {@code Create*}, no {@code "Resource": "*"}. Immutable and thread-safe.
 */
public final class IamPolicyGenerator {
  private final Topology topology;
  private final Naming naming;
  private final AwsAccount account;

  public IamPolicyGenerator(Topology topology, Naming naming, AwsAccount account) {
    this.topology = Objects.requireNonNull(topology, "topology");
    this.naming = Objects.requireNonNull(naming, "naming");
    this.account = Objects.requireNonNull(account, "account");
  }

  /**
   * The policy document for {@code service}.
   *
   * @throws IllegalArgumentException when the topology has no such service, or it neither publishes nor consumes
   */
  public ObjectNode policyFor(String service) {
    ServiceSpec spec = topology.service(service).orElseThrow(() -> new IllegalArgumentException(
        "unknown service '" + service + "'; the topology declares: " + String.join(", ", topology.services().keySet())));
    ObjectNode doc = Json.object();
    doc.put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    TreeSet<String> keyArns = new TreeSet<>();
    TreeSet<String> keyAliases = new TreeSet<>();

    TreeSet<String> topics = new TreeSet<>();
    for (String t : spec.publishes()) {
      topics.add(account.topicArn(naming.physical(t)));
      topology.topic(t).flatMap(TopicSpec::kmsKeyId).ifPresent(k -> addKey(k, keyArns, keyAliases));
    }
    if (!topics.isEmpty()) {
      statements.add(statement("PublishToTopics", List.of("sns:GetTopicAttributes", "sns:Publish"), topics));
    }
    TreeSet<String> putPayloads = new TreeSet<>();
    for (String t : spec.publishes()) {
      topology.payloadBucketOf(t).ifPresent(b -> {
        putPayloads.add(objects(b));
        b.kmsKeyId().ifPresent(k -> addKey(k, keyArns, keyAliases));
      });
    }
    if (!putPayloads.isEmpty()) {
      statements.add(statement("StoreLargeEventPayloads", List.of("s3:PutObject"), putPayloads));
    }
    TreeSet<String> queues = new TreeSet<>();
    TreeSet<String> dlqs = new TreeSet<>();
    for (QueueSpec q : spec.queues()) {
      queues.add(account.queueArn(naming.physical(q.name())));
      q.dlq().ifPresent(d -> dlqs.add(account.queueArn(naming.physical(d.name()))));
      q.kmsKeyId().ifPresent(k -> addKey(k, keyArns, keyAliases));
    }
    TreeSet<String> getPayloads = new TreeSet<>();
    for (QueueSpec q : spec.queues()) {
      q.subscriptions().forEach(sub -> topology.payloadBucketOf(sub.topic()).ifPresent(b -> {
        getPayloads.add(objects(b));
        b.kmsKeyId().ifPresent(k -> addKey(k, keyArns, keyAliases));
      }));
    }
    if (!queues.isEmpty()) {
      statements.add(statement("ConsumeQueues", List.of("sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
          "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"), queues));
    }
    if (!dlqs.isEmpty()) {
      statements.add(statement("SendPoisonMessagesToDeadLetterQueues",
          List.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"), dlqs));
    }
    if (!getPayloads.isEmpty()) {
      statements.add(statement("ReadLargeEventPayloads", List.of("s3:GetObject"), getPayloads));
    }
    List<String> kmsActions = List.of("kms:Decrypt", "kms:GenerateDataKey");
    if (!keyArns.isEmpty()) {
      statements.add(statement("UseKmsKeys", kmsActions, keyArns));
    }
    if (!keyAliases.isEmpty()) {
      ObjectNode s = statement("UseKmsKeysByAlias", kmsActions, new TreeSet<>(List.of(account.allKmsKeys())));
      ArrayNode aliases = Json.array();
      keyAliases.forEach(aliases::add);
      s.set("Condition", Json.object().set("ForAnyValue:StringEquals",
          Json.object().set("kms:ResourceAliases", aliases)));
      statements.add(s);
    }
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("service '" + service + "' neither publishes nor consumes anything");
    }
    return doc;
  }

  /** {@link #policyFor} as indented JSON. */
  public String json(String service) {
    return Json.pretty(policyFor(service));
  }

  /** Every object of a payload bucket (never the bucket itself: no listing, no deleting). */
  private String objects(PayloadBucketSpec b) {
    return "arn:aws:s3:::" + naming.physical(b.name()) + "/*";
  }

  private void addKey(String keyId, TreeSet<String> arns, TreeSet<String> aliases) {
    if (AwsAccount.isAlias(keyId)) {
      aliases.add(keyId);
    } else if (keyId.startsWith("arn:") && keyId.contains(":alias/")) {
      aliases.add(keyId.substring(keyId.indexOf(":alias/") + 1));
    } else {
      arns.add(account.kmsKeyArn(keyId));
    }
  }

  private static ObjectNode statement(String sid, List<String> actions, TreeSet<String> resources) {
    ObjectNode s = Json.object();
    s.put("Sid", sid);
    s.put("Effect", "Allow");
    ArrayNode a = s.putArray("Action");
    actions.forEach(a::add);
    ArrayNode r = s.putArray("Resource");
    resources.forEach(r::add);
    return s;
  }
}
