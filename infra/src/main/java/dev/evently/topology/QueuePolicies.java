package dev.evently.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.evently.topology.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Queue policies that let SNS topics deliver into a queue: one statement per subscribed topic,
 * allowing only {@code sqs:SendMessage}, only from {@code sns.amazonaws.com}, only with
 * {@code aws:SourceArn} equal to that topic (confused-deputy protection). The statements carry the
 * Sid prefix {@value #SID_PREFIX} so that they can be merged into a policy written by others
 * without touching foreign statements. Stateless.
 */
public final class QueuePolicies {
  public static final String SID_PREFIX = "evently-";
  /** SQS refuses policies with more statements. */
  public static final int MAX_STATEMENTS = 20;
  private static final String VERSION = "2012-10-17";

  private QueuePolicies() {}

  /** The Sid of the statement that admits {@code topic} (a logical topic name). */
  public static String sid(String topic) {
    return SID_PREFIX + "sns-" + topic;
  }

  /**
   * One statement; {@code queueArn} and {@code topicArn} are strings or CloudFormation intrinsics.
   */
  public static ObjectNode statement(String topic, JsonNode queueArn, JsonNode topicArn) {
    ObjectNode s = Json.object();
    s.put("Sid", sid(topic));
    s.put("Effect", "Allow");
    s.set("Principal", Json.object().put("Service", "sns.amazonaws.com"));
    s.put("Action", "sqs:SendMessage");
    s.set("Resource", queueArn);
    s.set("Condition", Json.object().set("ArnEquals", Json.object().set("aws:SourceArn", topicArn)));
    return s;
  }

  /** Statements for a queue, given its subscribed topics' logical names mapped to their ARNs. */
  public static List<ObjectNode> statements(String queueArn, Map<String, String> topicArnsByName) {
    List<ObjectNode> statements = new ArrayList<>();
    topicArnsByName.forEach((topic, arn) -> statements.add(statement(topic, TextNode.valueOf(queueArn), TextNode.valueOf(arn))));
    return statements;
  }

  public static ObjectNode document(List<? extends JsonNode> statements) {
    ObjectNode doc = Json.object();
    doc.put("Version", VERSION);
    ArrayNode array = doc.putArray("Statement");
    statements.forEach(array::add);
    return doc;
  }

  /** The statements of {@code policyJson} written by us (Sid prefix {@value #SID_PREFIX}). */
  public static List<JsonNode> ownStatements(String policyJson) {
    return statements(policyJson, true);
  }

  /**
   * Replaces our statements in {@code existingPolicyJson} (may be null or empty) by {@code ours},
   * keeping every other statement and the policy's Id. Returns the new policy as JSON, or
   * {@code ""} when no statement remains (which removes the policy).
   *
   * @throws IllegalStateException when the result would exceed {@value #MAX_STATEMENTS} statements
   */
  public static String merge(String existingPolicyJson, List<? extends JsonNode> ours) {
    List<JsonNode> merged = new ArrayList<>(statements(existingPolicyJson, false));
    merged.addAll(ours);
    if (merged.isEmpty()) {
      return "";
    }
    if (merged.size() > MAX_STATEMENTS) {
      throw new IllegalStateException("the queue policy would have " + merged.size()
          + " statements; SQS allows at most " + MAX_STATEMENTS);
    }
    ObjectNode doc = document(merged);
    Json.parse(existingPolicyJson).map(p -> p.get("Id")).filter(JsonNode::isTextual)
        .ifPresent(id -> doc.set("Id", id));
    return Json.compact(doc);
  }

  private static List<JsonNode> statements(String policyJson, boolean ours) {
    List<JsonNode> result = new ArrayList<>();
    JsonNode statements = Json.parse(policyJson).map(p -> p.get("Statement")).orElse(null);
    if (statements == null) {
      return result;
    }
    Iterable<JsonNode> items = statements.isArray() ? statements : List.of(statements);
    for (JsonNode s : items) {
      boolean isOurs = s.path("Sid").asText("").startsWith(SID_PREFIX);
      if (isOurs == ours) {
        result.add(s);
      }
    }
    return result;
  }
}
