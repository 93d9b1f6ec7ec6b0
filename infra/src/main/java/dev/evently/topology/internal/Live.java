package dev.evently.topology.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Read-only view of what exists on the endpoint, cached for the duration of one plan or apply. */
public final class Live {
  private final SqsClient sqs;
  private final SnsClient sns;
  private Map<String, String> topicArnsByName;
  private final Map<String, List<Subscription>> subscriptionsByTopic = new HashMap<>();

  public Live(SqsClient sqs, SnsClient sns) {
    this.sqs = sqs;
    this.sns = sns;
  }

  /** The ARN of the topic with this name, if it exists. */
  public Optional<String> topicArn(String name) {
    if (topicArnsByName == null) {
      topicArnsByName = new HashMap<>();
      for (Topic t : sns.listTopicsPaginator(r -> {}).topics()) {
        topicArnsByName.put(lastSegment(t.topicArn()), t.topicArn());
      }
    }
    return Optional.ofNullable(topicArnsByName.get(name));
  }

  public void topicCreated(String name, String arn) {
    topicArn(name);
    topicArnsByName.put(name, arn);
  }

  public Map<String, String> topicAttributes(String arn) {
    return sns.getTopicAttributes(r -> r.topicArn(arn)).attributes();
  }

  public List<Subscription> subscriptions(String topicArn) {
    return subscriptionsByTopic.computeIfAbsent(topicArn,
        arn -> sns.listSubscriptionsByTopicPaginator(r -> r.topicArn(arn)).subscriptions().stream().toList());
  }

  public Map<String, String> subscriptionAttributes(String subscriptionArn) {
    return sns.getSubscriptionAttributes(r -> r.subscriptionArn(subscriptionArn)).attributes();
  }

  /** The URL of the queue with this name, if it exists. */
  public Optional<String> queueUrl(String name) {
    return queueUrl(sqs, name);
  }

  public static Optional<String> queueUrl(SqsClient sqs, String name) {
    try {
      return Optional.of(sqs.getQueueUrl(r -> r.queueName(name)).queueUrl());
    } catch (QueueDoesNotExistException e) {
      return Optional.empty();
    } catch (SqsException e) {
      String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
      if (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** All attributes of a queue, with the policy as {@code Policy} when it has one. */
  public Map<String, String> queueAttributes(String url) {
    return sqs.getQueueAttributes(r -> r.queueUrl(url)
        .attributeNames(QueueAttributeName.ALL, QueueAttributeName.POLICY)).attributesAsStrings();
  }

  public static String lastSegment(String arn) {
    return arn.substring(arn.lastIndexOf(':') + 1);
  }

  /** The ARN of a sibling resource: same partition, region and account, another service and name. */
  public static String siblingArn(String arn, String service, String name) {
    String[] p = arn.split(":", 6);
    return String.join(":", p[0], p[1], service, p[3], p[4], name);
  }
}
