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

  /**
   * {@code nameOrArn} when it is a topic name (1..256 characters, no ':') or a topic ARN ({@code
   * arn:aws:sns:region:account:name}); else an {@link IllegalArgumentException} naming {@code field}.
   */
  static String requireNameOrArn(String nameOrArn, String field) {
    boolean ok =
        nameOrArn != null && !nameOrArn.isBlank()
            && (nameOrArn.startsWith("arn:")
                ? nameOrArn.split(":", -1).length == 6 && !nameOrArn.endsWith(":")
                : !nameOrArn.contains(":") && nameOrArn.length() <= 256);
    if (!ok) {
      throw new IllegalArgumentException(
          field + " must be a topic name (1..256 characters) or an SNS topic ARN (arn:aws:sns:region:account:name)");
    }
    return nameOrArn;
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
