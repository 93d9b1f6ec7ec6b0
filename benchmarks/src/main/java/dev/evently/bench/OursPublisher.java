package dev.evently.bench;

import dev.evently.event.EventCodec;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.SnsPublisher;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/** Our publisher, {@link SnsPublisher}, with its defaults (linger 5 ms, 8 batches in flight). */
final class OursPublisher {
  private OursPublisher() {}

  static EventPublisher create(SnsAsyncClient sns, String topicArn, EventCodec codec) {
    return SnsPublisher.builder().client(sns).topicArn(topicArn).codec(codec).build();
  }
}
