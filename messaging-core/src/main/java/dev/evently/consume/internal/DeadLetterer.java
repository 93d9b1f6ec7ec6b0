package dev.evently.consume.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Copies a poison message to the dead-letter queue: the original body and attributes plus the
 * {@code dlq-*} reason attributes ({@link DeadLetterAttributes}). For a FIFO dead-letter queue the
 * source's message group id (or the message id) and the source message id as deduplication id are
 * passed. Thread-safe.
 */
public final class DeadLetterer {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterer.class);

  private final SqsAsyncClient client;
  private final String sourceQueueUrl;
  private final String dlqUrl;
  private final String consumer;

  public DeadLetterer(SqsAsyncClient client, String sourceQueueUrl, String dlqUrl, String consumer) {
    this.client = client;
    this.sourceQueueUrl = sourceQueueUrl;
    this.dlqUrl = dlqUrl;
    this.consumer = consumer;
  }

  /** Sends the copy; the future fails when SQS did not take it (the message must then stay). */
  public CompletableFuture<?> send(InFlightMessage m, String reason, Throwable error) {
    DeadLetterAttributes attrs =
        DeadLetterAttributes.of(
            m.message().messageAttributes(), reason, error, sourceQueueUrl, m.receiveCount(), Instant.now());
    if (!attrs.dropped().isEmpty()) {
      LOG.warn(
          "consumer '{}': dead-lettered copy of message {} drops attributes {} (SQS allows 10)",
          consumer,
          m.messageId(),
          attrs.dropped());
    }
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(dlqUrl)
            .messageBody(m.message().body())
            .messageAttributes(attrs.attributes());
    if (dlqUrl.endsWith(".fifo")) {
      request
          .messageGroupId(m.groupId() != null ? m.groupId() : m.messageId())
          .messageDeduplicationId(m.messageId());
    }
    try {
      return client.sendMessage(request.build());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
