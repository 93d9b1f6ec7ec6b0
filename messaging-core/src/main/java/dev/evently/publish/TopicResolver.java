package dev.evently.publish;

import java.util.concurrent.CompletionException;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.ListTopicsRequest;
import software.amazon.awssdk.services.sns.model.ListTopicsResponse;
import software.amazon.awssdk.services.sns.model.Topic;

/**
 * Looks up a topic's ARN by name without creating it: services verify topics, the {@code infra}
 * tool creates them. Pages through {@code ListTopics}, so the caller needs {@code sns:ListTopics}.
 * Stateless and thread-safe.
 */
public final class TopicResolver {
  private TopicResolver() {}

  /**
   * The ARN of the topic named {@code topicName} in the client's account and region; blocks.
   *
   * @throws IllegalStateException naming the topic when it does not exist
   * @throws software.amazon.awssdk.core.exception.SdkException when SNS cannot be asked
   */
  public static String topicArn(SnsAsyncClient sns, String topicName) {
    return resolve(
        request -> {
          try {
            return sns.listTopics(request).join();
          } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
          }
        },
        topicName);
  }

  /** As {@link #topicArn(SnsAsyncClient, String)}, with a synchronous client. */
  public static String topicArn(SnsClient sns, String topicName) {
    return resolve(sns::listTopics, topicName);
  }

  private static String resolve(Function<ListTopicsRequest, ListTopicsResponse> listTopics, String topicName) {
    if (topicName == null || topicName.isBlank() || topicName.contains(":")) {
      throw new IllegalArgumentException("topicName must be a topic name (not an ARN) but was '" + topicName + "'");
    }
    String token = null;
    do {
      ListTopicsResponse page = listTopics.apply(ListTopicsRequest.builder().nextToken(token).build());
      for (Topic topic : page.topics()) {
        String arn = topic.topicArn();
        if (arn != null && arn.endsWith(":" + topicName)) {
          return arn;
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    throw new IllegalStateException(
        "SNS topic '" + topicName + "' does not exist; services do not create topics: create it with the infra tool");
  }
}
