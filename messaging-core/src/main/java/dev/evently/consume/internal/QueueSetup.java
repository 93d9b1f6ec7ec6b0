package dev.evently.consume.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.consume.ConsumerStartException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * What a consumer learns about its queue at start-up: its URL, visibility timeout, FIFO-ness and
 * dead-letter queue (from its RedrivePolicy). Never creates anything.
 *
 * @param dlqUrl null when the queue has no redrive policy, or its dead-letter queue does not exist
 *     (and that was allowed)
 * @param maxReceiveCount the redrive policy's maxReceiveCount; 0 without an effective redrive
 *     policy (none, or its dead-letter queue is missing), so no attempt is treated as the last
 */
public record QueueSetup(
    String queueName,
    String queueUrl,
    int visibilityTimeoutSeconds,
    boolean fifo,
    String dlqUrl,
    int maxReceiveCount) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  public static QueueSetup resolve(SqsAsyncClient client, String queueName, boolean allowMissingDlq) {
    String url = queueUrl(client, queueName, null, "queue '" + queueName + "'");
    Map<QueueAttributeName, String> attrs =
        await(
                client.getQueueAttributes(
                    b ->
                        b.queueUrl(url)
                            .attributeNames(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                QueueAttributeName.REDRIVE_POLICY,
                                QueueAttributeName.FIFO_QUEUE)),
                "reading the attributes of queue '" + queueName + "'")
            .attributes();
    int visibility = Integer.parseInt(attrs.getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
    boolean fifo = Boolean.parseBoolean(attrs.getOrDefault(QueueAttributeName.FIFO_QUEUE, "false"));
    String redrive = attrs.get(QueueAttributeName.REDRIVE_POLICY);
    if (redrive == null || redrive.isBlank()) {
      if (!allowMissingDlq) {
        throw new ConsumerStartException(
            "queue '"
                + queueName
                + "' has no RedrivePolicy (no dead-letter queue): give it one in the topology, or call"
                + " allowMissingDeadLetterQueue(true) to accept that failing messages are retried until"
                + " they expire");
      }
      return new QueueSetup(queueName, url, visibility, fifo, null, 0);
    }
    String dlqArn;
    int maxReceiveCount;
    try {
      JsonNode policy = JSON.readTree(redrive);
      dlqArn = policy.path("deadLetterTargetArn").asText("");
      maxReceiveCount = policy.path("maxReceiveCount").asInt(0);
    } catch (Exception e) {
      throw new ConsumerStartException("queue '" + queueName + "' has an unreadable RedrivePolicy: " + redrive, e);
    }
    String[] arn = dlqArn.split(":");
    if (arn.length < 6 || maxReceiveCount < 1) {
      throw new ConsumerStartException("queue '" + queueName + "' has an invalid RedrivePolicy: " + redrive);
    }
    String dlqName = arn[5];
    String account = arn[4];
    String dlqUrl;
    try {
      dlqUrl = queueUrl(client, dlqName, account, "dead-letter queue '" + dlqName + "' of queue '" + queueName + "'");
    } catch (ConsumerStartException e) {
      if (!allowMissingDlq) {
        throw e;
      }
      // a redrive into a missing queue moves nothing: no attempt is the last one
      return new QueueSetup(queueName, url, visibility, fifo, null, 0);
    }
    return new QueueSetup(queueName, url, visibility, fifo, dlqUrl, maxReceiveCount);
  }

  private static String queueUrl(SqsAsyncClient client, String name, String account, String what) {
    GetQueueUrlRequest.Builder req = GetQueueUrlRequest.builder().queueName(name);
    if (account != null && !account.isBlank()) {
      req.queueOwnerAWSAccountId(account);
    }
    try {
      return await(client.getQueueUrl(req.build()), "resolving " + what).queueUrl();
    } catch (ConsumerStartException e) {
      if (e.getCause() instanceof QueueDoesNotExistException) {
        throw new ConsumerStartException(
            what + " does not exist (the consumer never creates queues: create it with the topology first)",
            e.getCause());
      }
      throw e;
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new ConsumerStartException(what + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ConsumerStartException(what + " timed out after " + CALL_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConsumerStartException(what + " was interrupted", e);
    }
  }
}
