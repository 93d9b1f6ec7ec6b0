package dev.evently.publish.internal;

import dev.evently.consume.internal.ConsumerMetrics;
import dev.evently.internal.Meters;
import dev.evently.tracing.MessagingTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * The publisher's meters by the OpenTelemetry messaging conventions, around each PublishBatch
 * call: {@code messaging.client.operation.duration} (timer per call) and {@code
 * messaging.client.sent.messages} (counter per entry), tagged {@code messaging.system=aws_sns},
 * {@code messaging.destination.name}, {@code messaging.operation.name=send} and {@code error.type}
 * (the exception's class or SNS's error code for a failed call or entry, {@code none} otherwise:
 * see {@link ConsumerMetrics#NO_ERROR}). Thread-safe.
 */
public final class SendMetrics {
  private static final String ERROR_TYPE = "error.type";

  private final Meters meters;

  private SendMetrics(MeterRegistry registry, String topic) {
    this.meters =
        Meters.of(
            registry,
            MessagingTracing.SYSTEM.getKey(), MessagingTracing.SNS,
            MessagingTracing.DESTINATION.getKey(), topic,
            MessagingTracing.OPERATION_NAME.getKey(), "send");
  }

  /** {@code call} measured, or {@code call} itself when there is no registry. */
  public static Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> measure(
      MeterRegistry registry, String topic, Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> call) {
    if (registry == null) {
      return call;
    }
    SendMetrics metrics = new SendMetrics(registry, topic);
    return request -> {
      long start = System.nanoTime();
      int entries = request.publishBatchRequestEntries().size();
      CompletableFuture<PublishBatchResponse> result;
      try {
        result = call.apply(request);
      } catch (RuntimeException e) {
        metrics.failed(start, entries, e);
        throw e;
      }
      return result.whenComplete((response, failure) -> {
        if (failure != null) {
          metrics.failed(start, entries, failure);
        } else {
          metrics.answered(start, entries, response);
        }
      });
    };
  }

  private void failed(long start, int entries, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String type = cause.getClass().getName();
    timer(type).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    meters.counter("messaging.client.sent.messages", "Messages the producer attempted to send", ERROR_TYPE, type).increment(entries);
  }

  private void answered(long start, int entries, PublishBatchResponse response) {
    timer(null).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    int failed = 0;
    if (response.hasFailed()) {
      for (BatchResultErrorEntry entry : response.failed()) {
        failed++;
        meters
            .counter("messaging.client.sent.messages", "Messages the producer attempted to send", ERROR_TYPE, entry.code())
            .increment();
      }
    }
    meters.counter("messaging.client.sent.messages", "Messages the producer attempted to send", ERROR_TYPE,
        ConsumerMetrics.NO_ERROR).increment(entries - failed);
  }

  private Timer timer(String errorType) {
    return errorType == null
        ? meters.timer("messaging.client.operation.duration", "Duration of PublishBatch calls", ERROR_TYPE,
            ConsumerMetrics.NO_ERROR)
        : meters.timer("messaging.client.operation.duration", "Duration of PublishBatch calls", ERROR_TYPE, errorType);
  }
}
