package dev.evently.bench;

import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Spring Cloud AWS 3.4's {@link SqsMessageListenerContainer}, built programmatically (no Spring
 * Boot), with a blocking {@code MessageListener<String>} and otherwise the library's defaults
 * (acknowledgement ON_SUCCESS, batched every second or 10 messages) unless a poll timeout is
 * given.
 */
final class ScaConsumer implements ConsumerVariant {
  private final SqsMessageListenerContainer<String> container;

  ScaConsumer(
      SqsAsyncClient sqs, String queueName, int maxConcurrentMessages, Duration pollTimeout, Handler handler) {
    this.container =
        SqsMessageListenerContainer.<String>builder()
            .sqsAsyncClient(sqs)
            .queueNames(queueName)
            .messageListener(
                message -> {
                  try {
                    handler.handle(message.getPayload());
                  } catch (RuntimeException e) {
                    throw e;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .configure(
                options -> {
                  options.maxConcurrentMessages(maxConcurrentMessages).maxMessagesPerPoll(10);
                  if (pollTimeout != null) {
                    options.pollTimeout(pollTimeout);
                  }
                })
            .build();
  }

  @Override
  public void start() {
    container.start();
  }

  @Override
  public void close() {
    container.stop();
  }
}
