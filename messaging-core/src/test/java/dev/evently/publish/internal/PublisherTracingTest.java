package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.publish.EncodedMessage;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/** The send span's status and the trace attributes of a message (the wire path is SnsPublisherTracingIT). */
class PublisherTracingTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();
  private final PublisherTracing tracing = PublisherTracing.of(otel, "orders");
  private final PublishBatchRequest request =
      PublishBatchRequest.builder().topicArn("arn:aws:sns:us-east-1:000000000000:orders")
          .publishBatchRequestEntries(PublishBatchRequestEntry.builder().id("0").message("{}").build())
          .build();

  @AfterEach
  void close() {
    otel.close();
  }

  private SpanData send() {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("send orders")).findFirst().orElseThrow();
  }

  @Test
  void noOpenTelemetryMeansNoTracing() {
    assertThat(PublisherTracing.of(null, "orders")).isNull();
  }

  @Test
  void aFailedCallOrAFailedEntryMakesTheSendSpanAnError() {
    tracing.send(r -> CompletableFuture.failedFuture(SdkClientException.create("connection reset"))).apply(request);
    assertThat(send().getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(send().getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    spans.reset();

    PublishBatchResponse partly =
        PublishBatchResponse.builder().failed(BatchResultErrorEntry.builder().id("0").code("InternalError").senderFault(false).build()).build();
    tracing.send(r -> CompletableFuture.completedFuture(partly)).apply(request);
    assertThat(send().getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(send().getStatus().getDescription()).isEqualTo("1 entries failed");
    spans.reset();

    tracing.send(r -> CompletableFuture.completedFuture(PublishBatchResponse.builder().build())).apply(request);
    assertThat(send().getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void traceAttributesReplaceOldOnesButNeverExceedTenAttributes() {
    Map<String, String> full = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      full.put("a" + i, "v");
    }
    EncodedMessage crowded = new EncodedMessage("e1", "t", "{}", full, null, null);
    assertThat(tracing.create(crowded).attributes()).isEqualTo(full);

    EncodedMessage stale =
        new EncodedMessage("e2", "t", "{}", Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), null, null);
    EncodedMessage traced = tracing.create(stale);
    assertThat(traced.attributes().get("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").doesNotContain("00f067aa0ba902b7");
    assertThat(traced.body()).isEqualTo("{}");
  }
}
