package dev.evently.bench;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Our consumer ({@code dev.evently.consume.SqsConsumer}); wired once that branch is merged. */
final class OursConsumer {
  private OursConsumer() {}

  static ConsumerVariant create(SqsAsyncClient sqs, String queueName, int maxInFlight, ConsumerVariant.Handler handler) {
    throw new UnsupportedOperationException("our consumer is not merged yet");
  }
}
