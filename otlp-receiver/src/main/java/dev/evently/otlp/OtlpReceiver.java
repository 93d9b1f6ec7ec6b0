package dev.evently.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver ({@code POST /v1/traces}, {@code application/x-protobuf}, gzip or
 * not) on 127.0.0.1, for the demo and the tests: keeps every span it gets and, when given a file,
 * appends each as one JSON line. Not a collector: no retries, no limits beyond memory; meant for
 * a few thousand spans. Thread-safe.
 */
public final class OtlpReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final BufferedWriter out;

  private OtlpReceiver(int port, Path file) throws IOException {
    this.out =
        file == null
            ? null
            : Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.createContext("/v1/traces", this::traces);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "otlp-receiver");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** Starts a receiver on {@code port} (0: any free port), appending spans to {@code file} if not null. */
  public static OtlpReceiver start(int port, Path file) {
    try {
      return new OtlpReceiver(port, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP receiver on port " + port, e);
    }
  }

  /** The base URL to give an exporter as {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every span received so far, in arrival order. */
  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The spans of one trace. */
  public List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void traces(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExportTraceServiceRequest request;
      try (InputStream body = body(exchange)) {
        request = ExportTraceServiceRequest.parseFrom(body);
      } catch (IOException e) {
        byte[] error = "{\"error\":\"the body is not an OTLP ExportTraceServiceRequest\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(400, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      accept(request);
      byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
      if (ok.length > 0) {
        exchange.getResponseBody().write(ok);
      }
    }
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding")) ? new GZIPInputStream(in) : in;
  }

  private void accept(ExportTraceServiceRequest request) throws IOException {
    List<ReceivedSpan> received = new ArrayList<>();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = strings(resource.getResource().getAttributesList()).getOrDefault("service.name", "unknown");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          received.add(flatten(service, span));
        }
      }
    }
    if (out != null) {
      synchronized (out) {
        for (ReceivedSpan span : received) {
          out.write(JSON.writeValueAsString(span));
          out.newLine();
        }
        out.flush();
      }
    }
    spans.addAll(received); // after the file, so that a span seen here is in the file too
  }

  private static ReceivedSpan flatten(String service, Span span) {
    List<String> links = span.getLinksList().stream().map(l -> hex(l.getSpanId())).toList();
    String kind = span.getKind().name().replace("SPAN_KIND_", "");
    String status = span.getStatus().getCode().name().replace("STATUS_CODE_", "");
    return new ReceivedSpan(
        hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()), span.getName(), kind, service,
        span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), status, strings(span.getAttributesList()), links);
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      AnyValue v = kv.getValue();
      String text =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString().trim();
          };
      map.put(kv.getKey(), text);
    }
    return map;
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
