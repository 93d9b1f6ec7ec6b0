package dev.evently.topology.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ops console: one static page ({@code /}, {@code /console.js}, {@code /console.css}) and a
 * JSON API, on the JDK's {@link HttpServer}. A developer tool: it binds to 127.0.0.1 unless told
 * otherwise.
 *
 * <p>API: {@code GET /api/topology}, {@code GET /api/stats}, and per DLQ (by AWS name) {@code POST
 * /api/dlqs/{dlq}/peek {"max": n}}, {@code .../body {"messageId": id}}, {@code .../redrive
 * {type, reason, since, limit, rate}} ({@link RedriveForm}) and {@code .../purge {"confirm": dlq}}.
 * Errors are {@code {"error": message, "field": name}} with 400, 403, 404, 405, 409 or 413, and
 * never echo a value of the request.
 *
 * <p>Cross-site protection: every POST needs the header {@value #TOKEN_HEADER} with the token made
 * at start (random, 256 bits) and embedded in the page, a JSON content type, no cross-site {@code
 * Origin} or {@code Sec-Fetch-Site}; every request needs a {@code Host} naming this server (against
 * DNS rebinding) when it is bound to a loopback address.
 *
 * <p>Threads: requests run on a bounded pool of {@value #THREADS} threads with a queue of
 * {@value #QUEUE} requests; when both are full the accepting thread runs the request itself, which
 * slows down accepting instead of growing without bound. One redrive or purge per DLQ at a time
 * (else 409). {@link #close()} stops the server and the pool; it does not close the SQS client.
 */
public final class ConsoleServer implements AutoCloseable {
  /** The request header carrying the session token. */
  public static final String TOKEN_HEADER = "X-Console-Token";
  static final int THREADS = 4;
  static final int QUEUE = 64;
  private static final int MAX_BODY = 16 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final Pattern DLQ_PATH = Pattern.compile("/api/dlqs/([A-Za-z0-9_.-]{1,80})/(peek|body|redrive|purge)");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final ConsoleService service;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final String token;
  private final boolean loopback;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Clock clock;

  private ConsoleServer(ConsoleService service, InetAddress bind, int port, Clock clock) throws IOException {
    this.service = service;
    this.clock = clock;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    this.loopback = bind.isLoopbackAddress();
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "console-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.CallerRunsPolicy());
    this.server = HttpServer.create(new InetSocketAddress(bind, port), 50);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a console on the given address ({@code port} 0: any free port).
   *
   * @param ages where oldest-message ages come from ({@link OldestMessageAges#NONE} for none)
   * @throws IllegalStateException when the port cannot be bound (e.g. in use)
   */
  public static ConsoleServer start(SqsClient sqs, Topology topology, Naming naming, OldestMessageAges ages,
      InetAddress bind, int port) {
    Objects.requireNonNull(bind, "bind");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    try {
      return new ConsoleServer(new ConsoleService(sqs, topology, naming, ages, Clock.systemUTC()), bind, port,
          Clock.systemUTC());
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + bind.getHostAddress() + ":" + port + " ("
          + e.getClass().getSimpleName() + "); choose another --port", e);
    }
  }

  /** The page's URL, e.g. {@code http://127.0.0.1:8090/}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The session token (for tests and the launching process; never logged). */
  public String token() {
    return token;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (ApiException e) {
        error(exchange, e);
      } catch (SdkException e) {
        LOG.warn("console: AWS call failed ({})", e.getClass().getSimpleName());   // no path: it is request input
        error(exchange, new ApiException(502, null, "AWS call failed: " + e.getClass().getSimpleName()));
      } catch (IllegalArgumentException e) {
        // DeadLetters: the DLQ of the topology does not exist on the endpoint
        error(exchange, ApiException.notFound("queue", "the dead-letter queue does not exist on the endpoint; run apply"));
      } catch (RuntimeException e) {
        LOG.warn("console: request failed ({})", e.getClass().getName());
        error(exchange, new ApiException(500, null, "internal error"));
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    checkHost(exchange);
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path) {
      case "/", "/index.html" -> {
        requireMethod(method, "GET");
        String page = resource("index.html").replace("{{TOKEN}}", token);
        send(exchange, 200, "text/html; charset=utf-8", page);
        return;
      }
      case "/console.js" -> {
        requireMethod(method, "GET");
        send(exchange, 200, "text/javascript; charset=utf-8", resource("console.js"));
        return;
      }
      case "/console.css" -> {
        requireMethod(method, "GET");
        send(exchange, 200, "text/css; charset=utf-8", resource("console.css"));
        return;
      }
      case "/api/topology" -> {
        requireMethod(method, "GET");
        json(exchange, 200, service.topology());
        return;
      }
      case "/api/stats" -> {
        requireMethod(method, "GET");
        json(exchange, 200, service.stats());
        return;
      }
      default -> { }
    }
    Matcher m = DLQ_PATH.matcher(path);
    if (!m.matches()) {
      throw ApiException.notFound("path", "no such resource");
    }
    requireMethod(method, "POST");
    checkChangingRequest(exchange);
    String dlq = m.group(1);
    service.requireDlq(dlq);
    JsonNode body = readBody(exchange);
    ObjectNode answer = switch (m.group(2)) {
      case "peek" -> service.peek(dlq, max(body));
      case "body" -> service.body(dlq, messageId(body));
      case "redrive" -> exclusive(dlq, () -> service.redrive(dlq, RedriveForm.parse(body, clock)));
      default -> exclusive(dlq, () -> {
        JsonNode confirm = body.get("confirm");
        if (confirm == null || !confirm.isTextual() || !confirm.asText().equals(dlq)) {
          throw ApiException.badRequest("confirm", "must be the name of the DLQ to purge");
        }
        return service.purge(dlq);
      });
    };
    json(exchange, 200, answer);
  }

  private ObjectNode exclusive(String dlq, java.util.function.Supplier<ObjectNode> action) {
    if (!busy.add(dlq)) {
      throw new ApiException(409, "queue", "a redrive or purge of this DLQ is running");
    }
    try {
      return action.get();
    } finally {
      busy.remove(dlq);
    }
  }

  private static int max(JsonNode body) {
    JsonNode v = body.get("max");
    if (v == null || v.isNull()) {
      return 10;
    }
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > ConsoleService.MAX_PEEK) {
      throw ApiException.badRequest("max", "must be a whole number between 1 and " + ConsoleService.MAX_PEEK);
    }
    return v.asInt();
  }

  private static String messageId(JsonNode body) {
    JsonNode v = body.get("messageId");
    if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 128) {
      throw ApiException.badRequest("messageId", "must be the id of a peeked message");
    }
    return v.asText();
  }

  /** Refuses a Host that does not name this loopback server (DNS rebinding). */
  private void checkHost(HttpExchange exchange) {
    if (!loopback) {
      return;
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    int port = port();
    Set<String> allowed = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    if (host == null || !allowed.contains(host.toLowerCase(java.util.Locale.ROOT))) {
      throw ApiException.forbidden("Host", "must name this console (127.0.0.1 or localhost with its port)");
    }
  }

  /** Token, content type, and no cross-site Origin or Sec-Fetch-Site. */
  private void checkChangingRequest(HttpExchange exchange) {
    var headers = exchange.getRequestHeaders();
    String origin = headers.getFirst("Origin");
    String host = headers.getFirst("Host");
    if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
      throw ApiException.forbidden("Origin", "cross-site requests are refused");
    }
    String site = headers.getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw ApiException.forbidden("Sec-Fetch-Site", "cross-site requests are refused");
    }
    String given = headers.getFirst(TOKEN_HEADER);
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      throw ApiException.forbidden(TOKEN_HEADER, "missing or wrong session token; reload the console page");
    }
    String type = headers.getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "Content-Type", "must be application/json");
    }
  }

  private JsonNode readBody(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiException(413, null, "request body larger than " + MAX_BODY + " bytes");
    }
    if (bytes.length == 0) {
      return service.json().createObjectNode();
    }
    try {
      JsonNode node = service.json().readTree(bytes);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest(null, "the request body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(null, "the request body is not JSON");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new ApiException(405, null, "method not allowed; use " + allowed);
    }
  }

  private void error(HttpExchange exchange, ApiException e) throws IOException {
    ObjectNode body = service.json().createObjectNode().put("error", e.getMessage());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    json(exchange, e.status(), body);
  }

  private void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    send(exchange, status, "application/json", service.json().writeValueAsString(body));
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", type);
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", CSP);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("console resource missing: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
