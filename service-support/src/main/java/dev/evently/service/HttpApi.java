package dev.evently.service;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON HTTP API on the JDK's built-in server: routes with {@code {param}} segments, request
 * bodies capped at {@link Builder#maxBodyBytes(int)} (larger ones are refused with 400 before
 * they are read), and every error rendered as {@code {"error": "...", "field": "..."}} without
 * stack traces. Unknown paths get 404, known paths with another method 405, unexpected failures
 * 500 (logged).
 *
 * <p>Handlers run on a bounded pool and may run concurrently. {@link #close()} stops accepting
 * requests and waits a moment for those in flight.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final String JSON = "application/json";
  private static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  /** Serves one request; throw {@link ApiException} for a client error. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  /**
   * One request: method, path parameters, headers (names case-insensitive, each with its values
   * in the order received) and the (capped) body.
   */
  public record Request(
      String method, String path, Map<String, String> params, Map<String, List<String>> headers, byte[] body) {
    public Request {
      Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
      headers = Collections.unmodifiableMap(copy);
    }

    /** Every value of the header {@code name} (case-insensitive), in order; empty if absent. */
    public List<String> headers(String name) {
      return List.copyOf(headers.getOrDefault(name, List.of()));
    }

    /** The path parameter {@code name} (declared as {@code {name}} in the route). */
    public String param(String name) {
      return params.get(name);
    }

    /** The body as a strictly validated JSON object; see {@link JsonRequest#parse}. */
    public JsonRequest json(Set<String> allowedFields) {
      return JsonRequest.parse(body, allowedFields);
    }
  }

  /** A response: status, content type and body (a JSON-serializable value or a String). */
  public record Response(int status, String contentType, Object body) {
    public static Response json(int status, Object body) {
      return new Response(status, JSON, body);
    }

    public static Response text(int status, String contentType, String body) {
      return new Response(status, contentType, body);
    }
  }

  private record Route(String method, String pattern, String[] segments, int maxBodyBytes, Handler handler) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Route> routes;
  private final int maxBodyBytes;
  private final MeterRegistry meters;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Tracer tracer;
  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Headers carrier, String key) {
          return carrier == null ? null : carrier.getFirst(key);
        }
      };

  private HttpApi(Builder b) throws IOException {
    this.routes = List.copyOf(b.routes);
    this.maxBodyBytes = b.maxBodyBytes;
    this.meters = b.meters;
    this.tracer = b.openTelemetry == null ? null : b.openTelemetry.getTracer("dev.evently.service");
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            b.threads,
            r -> {
              Thread t = new Thread(r, "http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(b.port), 256);
    server.createContext("/", this::dispatch);
    server.setExecutor(executor);
    server.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Lets in-flight requests finish (up to 2 s), then closes every connection and stops. */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void dispatch(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try {
      serve(exchange);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void serve(HttpExchange exchange) {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String pattern = "UNMATCHED";
    Response response;
    Span span = serverSpan(exchange, method);
    try (Scope scope = span.makeCurrent()) {
      if (path.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("the path contains control characters", null);
      }
      String[] segments = split(path);
      Route route = null;
      Map<String, String> params = null;
      boolean pathKnown = false;
      for (Route r : routes) {
        Map<String, String> p = match(r.segments(), segments);
        if (p != null) {
          pathKnown = true;
          if (r.method().equals(method)) {
            route = r;
            params = p;
            break;
          }
        }
      }
      if (route == null) {
        response =
            pathKnown
                ? error(new ApiException(405, "method " + method + " not allowed on " + path, null))
                : error(ApiException.notFound("no such resource: " + path));
      } else {
        pattern = route.pattern();
        span.updateName(method + " " + pattern);
        span.setAttribute(HTTP_ROUTE, pattern);
        byte[] body = readBody(exchange, route.maxBodyBytes() > 0 ? route.maxBodyBytes() : maxBodyBytes);
        response = route.handler().handle(new Request(method, path, params, exchange.getRequestHeaders(), body));
      }
    } catch (ApiException e) {
      response = error(e);
    } catch (Exception e) {
      log.error("{} {} failed", method, path, e);
      response = error(new ApiException(500, "internal error", null));
    }
    span.setAttribute(HTTP_STATUS, (long) response.status());
    if (response.status() >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
    send(exchange, response);
    Timer.builder("http.server.requests")
        .tag("method", method)
        .tag("uri", pattern)
        .tag("status", Integer.toString(response.status()))
        .register(meters)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /**
   * A SERVER span for the request (a no-op without an OpenTelemetry), continuing the caller's
   * trace from its {@code traceparent} header; current while the handler runs, so the events it
   * writes to the outbox carry it.
   */
  private Span serverSpan(HttpExchange exchange, String method) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange.getRequestHeaders(), HEADERS);
    return tracer
        .spanBuilder(method)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(HTTP_METHOD, method)
        .setAttribute(URL_PATH, exchange.getRequestURI().getPath())
        .startSpan();
  }

  private byte[] readBody(HttpExchange exchange, int maxBodyBytes) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Content-Length is not a number", null);
      }
      if (declared > maxBodyBytes) {
        throw tooLarge(exchange, exchange.getRequestBody(), maxBodyBytes);
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        throw tooLarge(exchange, in, maxBodyBytes);
      }
      return body;
    }
  }

  /**
   * Refuses an oversized body. The rest of it is read and discarded (up to {@link #DRAIN_LIMIT})
   * and the connection closed after the response: a client still sending would otherwise get a
   * connection reset instead of the 400.
   */
  private static ApiException tooLarge(HttpExchange exchange, InputStream body, int maxBodyBytes) throws IOException {
    exchange.getResponseHeaders().set("Connection", "close");
    long skipped = 0;
    byte[] sink = new byte[16 * 1024];
    int n;
    while (skipped < DRAIN_LIMIT && (n = body.read(sink)) > 0) {
      skipped += n;
    }
    return ApiException.badRequest("request body exceeds " + maxBodyBytes + " bytes", null);
  }

  private static Response error(ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return Response.json(e.status(), body);
  }

  private static void send(HttpExchange exchange, Response response) {
    try (exchange) {
      byte[] bytes = render(response);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      log.debug("could not send response: {}", e.toString());
    }
  }

  private static byte[] render(Response response) throws JsonProcessingException {
    if (response.body() == null) {
      return new byte[0];
    }
    if (response.body() instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    return JsonRequest.MAPPER
        .writer()
        .with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .writeValueAsBytes(response.body());
  }

  private static String[] split(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
  }

  private static Map<String, String> match(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), path[i]);
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  /** Builder: add routes, then {@link #start()}. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private int port = 0;
    private int maxBodyBytes = 16 * 1024;
    private int threads = 32;
    private MeterRegistry meters = new SimpleMeterRegistry();
    private OpenTelemetry openTelemetry;

    private Builder() {}

    /** The port to listen on; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535");
      }
      this.port = port;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("maxBodyBytes must be > 0");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be > 0");
      }
      this.threads = threads;
      return this;
    }

    /**
     * Traces every request as a SERVER span named by its route (continuing a caller's {@code
     * traceparent} header), current while the handler runs; default none.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      if (openTelemetry == null) {
        throw new IllegalArgumentException("openTelemetry must not be null");
      }
      this.openTelemetry = openTelemetry;
      return this;
    }

    /** Where request timers ({@code http.server.requests}) go. */
    public Builder meters(MeterRegistry meters) {
      if (meters == null) {
        throw new IllegalArgumentException("meters must not be null");
      }
      this.meters = meters;
      return this;
    }

    /** Adds a route; {@code pattern} segments like {@code {id}} become path parameters. */
    public Builder route(String method, String pattern, Handler handler) {
      return route(method, pattern, 0, handler);
    }

    /**
     * Adds a route whose bodies may be up to {@code maxBodyBytes} (instead of {@link
     * #maxBodyBytes(int)}'s limit for every route); 0 means that limit.
     */
    public Builder route(String method, String pattern, int maxBodyBytes, Handler handler) {
      if (method == null || pattern == null || !pattern.startsWith("/") || handler == null) {
        throw new IllegalArgumentException("route needs a method, a pattern starting with / and a handler");
      }
      if (maxBodyBytes < 0 || maxBodyBytes > 64 * 1024 * 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be between 0 and 64 MiB");
      }
      routes.add(new Route(method, pattern, split(pattern), maxBodyBytes, handler));
      return this;
    }

    /** Binds and starts the server. */
    public HttpApi start() throws IOException {
      return new HttpApi(this);
    }
  }
}
