package dev.evently.bench;

import dev.evently.event.EventCodec;
import dev.evently.publish.EventPublisher;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/** Our publisher ({@code dev.evently.publish.SnsPublisher}); wired once that branch is merged. */
final class OursPublisher {
  private OursPublisher() {}

  static EventPublisher create(SnsAsyncClient sns, String topicArn, EventCodec codec) {
    throw new UnsupportedOperationException("our publisher is not merged yet");
  }
}
