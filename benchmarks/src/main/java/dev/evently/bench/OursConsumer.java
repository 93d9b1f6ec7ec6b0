package dev.evently.bench;

import dev.evently.consume.SqsConsumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Our consumer, {@link SqsConsumer}, with its defaults except max in-flight (its own handler pool
 * of maxInFlight threads, 20 s long poll). The benchmark queues have no dead-letter queue.
 */
final class OursConsumer implements ConsumerVariant {
  private final SqsConsumer consumer;

  private OursConsumer(SqsConsumer consumer) {
    this.consumer = consumer;
  }

  static ConsumerVariant create(
      SqsAsyncClient sqs, String queueName, int maxInFlight, int receiveConcurrency, ConsumerVariant.Handler handler) {
    return create(sqs, queueName, maxInFlight, receiveConcurrency, 0, handler);
  }

  static ConsumerVariant create(
      SqsAsyncClient sqs,
      String queueName,
      int maxInFlight,
      int receiveConcurrency,
      int handlerThreads,
      ConsumerVariant.Handler handler) {
    SqsConsumer.Builder builder =
        SqsConsumer.builder()
            .client(sqs)
            .queueName(queueName)
            .codec(BenchEvent.codec())
            .maxInFlight(maxInFlight)
            .allowMissingDeadLetterQueue(true)
            .handle(BenchEvent.class, event -> handler.handle(event.id()));
    if (handlerThreads > 0) {
      builder.executor(java.util.concurrent.Executors.newFixedThreadPool(handlerThreads));
    }
    if (receiveConcurrency > 0) {
      builder.receiveConcurrency(receiveConcurrency);
    }
    return new OursConsumer(builder.build());
  }

  @Override
  public void start() {
    consumer.start();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
