package dev.evently.bench;

import dev.evently.event.EventCodec;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.SnsPublisher;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * Our publisher, {@link SnsPublisher}, with its defaults (linger 5 ms, 8 batches in flight) except
 * the buffer bound: B3 hands every event over at once, so the bound is raised to hold them all
 * (the default, 10,000, fails the events above it fast with BufferFullException).
 */
final class OursPublisher {
  private OursPublisher() {}

  static EventPublisher create(SnsAsyncClient sns, String topicArn, EventCodec codec, int events) {
    return create(sns, topicArn, codec, events, false);
  }

  /** With {@code otel}, traced by the OpenTelemetry SDK into a dropping exporter ({@link BenchOtel}). */
  static EventPublisher create(SnsAsyncClient sns, String topicArn, EventCodec codec, int events, boolean otel) {
    SnsPublisher.Builder builder =
        SnsPublisher.builder()
            .client(sns)
            .topic(topicArn)
            .codec(codec)
            .maxBufferedEvents(Math.max(SnsPublisher.DEFAULT_MAX_BUFFERED_EVENTS, events));
    if (otel) {
      builder.openTelemetry(BenchOtel.sdk());
    }
    return builder.build();
  }
}
