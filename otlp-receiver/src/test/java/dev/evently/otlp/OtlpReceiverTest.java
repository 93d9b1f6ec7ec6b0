package dev.evently.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/** The receiver against the real OTLP/HTTP exporter of the OpenTelemetry SDK. */
class OtlpReceiverTest {
  @TempDir Path dir;

  @Test
  void spansExportedByTheSdkArriveFlattenedAndRenderAsAWaterfall() throws Exception {
    Path file = dir.resolve("spans.jsonl");
    try (OtlpReceiver receiver = OtlpReceiver.start(0, file);
        OpenTelemetrySdk sdk = sdk(receiver.endpoint(), "order-service")) {
      Tracer tracer = sdk.getTracer("test");
      Span request = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = request.makeCurrent()) {
        Span create = tracer.spanBuilder("create order-events").setSpanKind(SpanKind.PRODUCER).setAttribute("messaging.system", "aws_sns").startSpan();
        create.setStatus(StatusCode.ERROR);
        create.end();
      } finally {
        request.end();
      }
      String traceId = request.getSpanContext().getTraceId();

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(traceId).size() == 2);
      List<ReceivedSpan> trace = receiver.trace(traceId);
      ReceivedSpan create = trace.stream().filter(s -> s.name().equals("create order-events")).findFirst().orElseThrow();
      assertThat(create.parentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(create.service()).isEqualTo("order-service");
      assertThat(create.kind()).isEqualTo("PRODUCER");
      assertThat(create.status()).isEqualTo("ERROR");
      assertThat(create.attributes()).containsEntry("messaging.system", "aws_sns");
      assertThat(Files.readAllLines(file)).hasSize(2);
      assertThat(Files.readString(file)).doesNotContain("\"root\"");
      assertThat(waterfallOf(file, traceId)).isZero();
      assertThat(waterfallOf(file, "0af7651916cd43dd8448eb211c80319c")).isEqualTo(1);

      String waterfall = Waterfall.render(trace);
      assertThat(waterfall.lines().toList()).hasSize(3);
      assertThat(waterfall).contains("order-service").contains("  POST /orders").contains("    create order-events  [error]");
    }
  }

  @Test
  void aBodyThatIsNotOtlpIsRefusedWith400() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(0, null)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(receiver.endpoint().resolve("/v1/traces"))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02}))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("not an OTLP");
      assertThat(receiver.spans()).isEmpty();
    }
  }

  private static int waterfallOf(Path file, String traceId) {
    return new CommandLine(new OtlpReceiverMain())
        .execute("waterfall", "--file", file.toString(), "--trace", traceId, "--wait-seconds", "0");
  }

  private static OpenTelemetrySdk sdk(URI endpoint, String service) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.builder().put("service.name", service).build()))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .build();
  }
}
