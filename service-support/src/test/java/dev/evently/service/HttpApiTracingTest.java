package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP server spans: one per request, named by its route, continuing the caller's traceparent. */
class HttpApiTracingTest {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<String> traceInHandler = new AtomicReference<>();
  private HttpApi api;

  @AfterEach
  void close() {
    api.close();
    otel.close();
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void start() throws Exception {
    api =
        HttpApi.builder()
            .port(0)
            .openTelemetry(otel)
            .route("GET", "/orders/{id}", r -> {
              traceInHandler.set(Span.current().getSpanContext().getTraceId());
              return HttpApi.Response.json(200, Map.of("id", r.param("id")));
            })
            .route("GET", "/boom", r -> {
              throw new IllegalStateException("boom");
            })
            .start();
  }

  @Test
  void aRequestIsAServerSpanNamedByItsRouteChildOfTheCallersTraceparent() throws Exception {
    start();
    HttpResponse<String> response = get("/orders/o-1", Map.of("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01"));

    assertThat(response.statusCode()).isEqualTo(200);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET /orders/{id}");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(traceInHandler.get()).isEqualTo(CALLER_TRACE);
  }

  @Test
  void aServerErrorMarksTheSpanAndAnUnknownPathIsNotNamedByIt() throws Exception {
    start();
    assertThat(get("/boom", Map.of()).statusCode()).isEqualTo(500);
    assertThat(get("/secret-token-123", Map.of()).statusCode()).isEqualTo(404);

    SpanData boom = spans.getFinishedSpanItems().get(0);
    assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(boom.getParentSpanContext().isValid()).isFalse();
    SpanData unknown = spans.getFinishedSpanItems().get(1);
    assertThat(unknown.getName()).isEqualTo("GET");
    assertThat(unknown.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }
}
