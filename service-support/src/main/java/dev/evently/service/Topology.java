package dev.evently.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import dev.evently.publish.TopicResolver;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The topics and queues a service uses, looked up by name at start-up. Never creates anything:
 * the topology belongs to {@code infra}. Immutable.
 *
 * @param topicArns topic name to ARN
 * @param queueUrls queue name to URL
 */
public record Topology(Map<String, String> topicArns, Map<String, String> queueUrls) {

  public Topology {
    topicArns = Map.copyOf(topicArns);
    queueUrls = Map.copyOf(queueUrls);
  }

  /**
   * Resolves every topic and queue by name.
   *
   * @throws MissingTopologyException naming everything that does not exist (all of it, not just
   *     the first); AWS errors other than "does not exist" propagate
   */
  public static Topology resolve(
      SnsAsyncClient sns, SqsAsyncClient sqs, List<String> topics, List<String> queues) {
    List<String> missing = new ArrayList<>();
    Map<String, String> topicArns = new LinkedHashMap<>();
    for (String name : topics) {
      try {
        topicArns.put(name, TopicResolver.topicArn(sns, name));
      } catch (IllegalStateException e) {
        missing.add("topic " + name);
      }
    }
    Map<String, String> queueUrls = new LinkedHashMap<>();
    for (String name : queues) {
      try {
        queueUrls.put(name, sqs.getQueueUrl(r -> r.queueName(name)).join().queueUrl());
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof QueueDoesNotExistException)) {
          throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        missing.add("queue " + name);
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingTopologyException(missing);
    }
    return new Topology(topicArns, queueUrls);
  }

  public String topicArn(String name) {
    return require(topicArns, name, "topic");
  }

  public String queueUrl(String name) {
    return require(queueUrls, name, "queue");
  }

  private static String require(Map<String, String> map, String name, String kind) {
    String value = map.get(name);
    if (value == null) {
      throw new IllegalArgumentException(kind + " " + name + " was not resolved");
    }
    return value;
  }

  /** Some of the topology a service needs does not exist; {@link #missing()} names it. */
  public static final class MissingTopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> missing;

    public MissingTopologyException(List<String> missing) {
      super(
          "missing topology: "
              + String.join(", ", missing)
              + " (create it with: java -jar infra/target/infra.jar apply)");
      this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
      return missing;
    }
  }
}
