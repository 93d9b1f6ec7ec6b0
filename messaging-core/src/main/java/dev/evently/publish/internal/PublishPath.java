package dev.evently.publish.internal;

import dev.evently.event.Event;
import dev.evently.internal.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.PublishException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.Duration;

/**
 * The path of an event through {@code SnsPublisher}: encode (under a create span when tracing),
 * offload when large (with a payload store), then the {@link BatchSender}. Thread-safe.
 */
public final class PublishPath {
  private final String topicArn;
  private final MessageEncoder encoder;
  private final BatchSender sender;
  private final PublisherTracing tracing;
  private final Offloader offloader;
  private final Counter offloaded;

  /** {@code tracing} and {@code offloader} may be null: no tracing, no offloading. */
  public PublishPath(
      String topicArn, MessageEncoder encoder, BatchSender sender, PublisherTracing tracing, Offloader offloader,
      Meters meters) {
    this.topicArn = topicArn;
    this.encoder = encoder;
    this.sender = sender;
    this.tracing = tracing;
    this.offloader = offloader;
    this.offloaded = offloader == null ? null
        : meters.counter("evently.publish.offloaded", "Events published as a pointer to their payload in the payload store");
  }

  /** The path of a publisher with {@code settings}: its sender, with tracing when {@code openTelemetry} is not null. */
  public static PublishPath create(
      BatchSender.Settings settings, SnsAsyncClient client, MessageEncoder encoder, MeterRegistry meterRegistry,
      OpenTelemetry openTelemetry, Offloader offloader) {
    String topic = settings.topicName();
    PublisherTracing tracing = PublisherTracing.of(openTelemetry, topic);
    Meters meters = Meters.of(meterRegistry, "topic", topic);
    BatchSender sender =
        new BatchSender(
            settings,
            SendMetrics.measure(meterRegistry, topic, tracing == null ? client::publishBatch : tracing.send(client::publishBatch)),
            meters);
    return new PublishPath(settings.topicArn(), encoder, sender, tracing, offloader, meters);
  }

  public CompletableFuture<String> publish(Event<?> event) {
    Encoded e = encode(event);
    return e.refused != null ? e.refused : send(e.message);
  }

  public CompletableFuture<String> publishEncoded(EncodedMessage message) {
    Objects.requireNonNull(message, "message must not be null");
    return send(tracing == null ? message : tracing.create(message));
  }

  public List<CompletableFuture<String>> publishAll(Collection<? extends Event<?>> events) {
    Objects.requireNonNull(events, "events must not be null");
    List<CompletableFuture<String>> futures = new ArrayList<>(events.size());
    List<EncodedMessage> messages = new ArrayList<>(events.size());
    List<Integer> positions = new ArrayList<>(events.size());
    for (Event<?> event : events) {
      Encoded e = encode(event);
      futures.add(e.refused);
      if (e.refused == null) {
        if (offloader != null && offloader.isLarge(e.message)) {
          futures.set(futures.size() - 1, offload(e.message));
        } else {
          messages.add(e.message);
          positions.add(futures.size() - 1);
        }
      }
    }
    List<CompletableFuture<String>> sent = sender.publishAll(messages);
    for (int i = 0; i < sent.size(); i++) {
      futures.set(positions.get(i), sent.get(i));
    }
    return futures;
  }

  /** Waits for uploads in progress (at most {@code timeout}), then closes the sender. */
  public void close(Duration timeout) {
    if (offloader != null) {
      offloader.awaitUploads(timeout);
    }
    sender.close();
  }

  private CompletableFuture<String> send(EncodedMessage m) {
    return offloader != null && offloader.isLarge(m) ? offload(m) : sender.publish(m);
  }

  private CompletableFuture<String> offload(EncodedMessage m) {
    if (sender.isClosed()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "publisher for " + topicArn + " is closed; event " + m.eventId() + " not sent"));
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    offloader.pointer(m).whenComplete((pointer, error) -> {
      if (error != null) {
        sender.rejected(result, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
      } else {
        sender.publish(pointer).whenComplete((id, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            offloaded.increment();
            result.complete(id);
          }
        });
      }
    });
    return result;
  }

  /** The message of an event, or the failed future of an event refused before encoding finished. */
  private record Encoded(EncodedMessage message, CompletableFuture<String> refused) {}

  private Encoded encode(Event<?> event) {
    Objects.requireNonNull(event, "event must not be null");
    if (sender.isClosed()) {
      return new Encoded(null, CompletableFuture.failedFuture(new IllegalStateException(
          "publisher for " + topicArn + " is closed; event " + event.id() + " not sent")));
    }
    try {
      return new Encoded(tracing == null ? encoder.encode(event) : tracing.create(event, encoder::encode), null);
    } catch (RuntimeException e) {
      String what = "event " + event.id() + " of type " + event.type();
      CompletableFuture<String> refused = new CompletableFuture<>();
      sender.rejected(refused, new PublishException(event.id(), what + " cannot be encoded: " + e.getMessage(), false, e));
      return new Encoded(null, refused);
    }
  }
}
