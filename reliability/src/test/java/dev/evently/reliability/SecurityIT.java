package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.event.DecodeFailure;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventDecodingException;
import dev.evently.event.EventTypes;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.topology.AwsAccount;
import dev.evently.topology.CloudFormationExporter;
import dev.evently.topology.IamPolicyGenerator;
import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyLoader;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Security: the services' HTTP endpoints refuse oversized and malformed bodies with a 4xx JSON
 * error and no stack trace; event decoding never instantiates a class named by the message;
 * generated policies never allow a wildcard principal without a condition; and no request body,
 * secret or credential reaches the services' logs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
  private static final String MARKER = "sec-" + UUID.randomUUID();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static SagaSystem system;
  private static final List<String> attacks = new ArrayList<>();
  private static long t0;

  @BeforeAll
  static void start() {
    t0 = System.nanoTime();
    system = SagaSystem.start("sec", SagaSystem.Options.DIRECT);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  @Order(1)
  void httpEndpointsRefuseOversizedAndMalformedBodiesWithoutStackTraces() {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("2 MiB body", ("{\"customerId\":\"" + MARKER + "x".repeat(2 * 1024 * 1024) + "\",\"orderTotal\":1}").getBytes(StandardCharsets.UTF_8));
    bodies.put("malformed JSON", ("{\"customerId\": \"" + MARKER + "\", ").getBytes(StandardCharsets.UTF_8));
    bodies.put("JSON array", ("[\"" + MARKER + "\"]").getBytes(StandardCharsets.UTF_8));
    bodies.put("JSON string", ("\"" + MARKER + "\"").getBytes(StandardCharsets.UTF_8));
    bodies.put("empty body", new byte[0]);
    bodies.put("trailing garbage", ("{\"customerId\":\"c\",\"orderTotal\":1} " + MARKER).getBytes(StandardCharsets.UTF_8));
    bodies.put("100,000 nested arrays", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    bodies.put("number with 10^9 exponent", ("{\"customerId\":\"" + MARKER + "\",\"orderTotal\":1e999999999}").getBytes(StandardCharsets.UTF_8));
    bodies.put("number with 100,000 digits", ("{\"customerId\":\"" + MARKER + "\",\"orderTotal\":" + "9".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8));
    bodies.put("@class injection", ("{\"@class\":\"java.lang.ProcessBuilder\",\"customerId\":\"" + MARKER + "\",\"orderTotal\":1}").getBytes(StandardCharsets.UTF_8));
    bodies.put("invalid UTF-8", new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
    bodies.put("control characters (log injection)", ("{\"customerId\":\"c\\n12:00:00.000 ERROR [main] forged - " + MARKER + "\",\"orderTotal\":1}").getBytes(StandardCharsets.UTF_8));
    bodies.put("name with log injection", ("{\"name\":\"n\\r\\n12:00:00.000 ERROR [main] forged - " + MARKER + "\",\"creditLimit\":1}").getBytes(StandardCharsets.UTF_8));
    List<String> wrong = new ArrayList<>();
    for (URI target : List.of(system.orders.url("/orders"), system.customers.url("/customers"),
        system.orders.url("/orders/" + UUID.randomUUID() + "/cancel"))) {
      bodies.forEach((what, body) -> {
        check(wrong, what + " to " + target.getPath(), Http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()), true);
        attacks.add(what);
      });
      // The same 2 MiB without Content-Length (chunked): the cap must hold while reading.
      check(wrong, "chunked 2 MiB to " + target.getPath(), Http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bodies.get("2 MiB body")))).build()), true);
    }
    for (String path : List.of("/orders/" + "9".repeat(10_000), "/orders/..%2F..%2Fetc%2Fpasswd", "/orders/'%20OR%201=1--",
        "/customers/" + "x".repeat(5_000), "/nothing-here", "/orders/%00")) {
      ServiceProcess service = path.startsWith("/customers") ? system.customers : system.orders;
      check(wrong, "GET " + path.substring(0, Math.min(60, path.length())), Http.get(service.url(path), TIMEOUT), true);
    }
    check(wrong, "DELETE /orders", Http.send(HttpRequest.newBuilder(system.orders.url("/orders")).timeout(TIMEOUT)
        .DELETE().build()), true);
    attacks.add("chunked 2 MiB");
    attacks.add("long, traversal, SQL-injection and NUL ids in paths");

    assertThat(wrong).isEmpty();
    assertThat(system.orders.isAlive() && system.customers.isAlive()).isTrue();
  }

  private static void check(List<String> wrong, String what, Http.Reply r, boolean clientError) {
    if (r.transportFailed()) {
      wrong.add(what + ": no HTTP response (" + r.body() + ")");
      return;
    }
    if (clientError && (r.status() < 400 || r.status() >= 500)) {
      wrong.add(what + ": status " + r.status() + " " + r.body());
    }
    JsonNode json;
    try {
      json = Http.JSON.readTree(r.body());
    } catch (Exception e) {
      wrong.add(what + ": body is not JSON: " + r.body());
      return;
    }
    if (!json.path("error").isTextual()) {
      wrong.add(what + ": no error message: " + r.body());
    }
    for (String leak : List.of("Exception", "\tat ", "at dev.", "at java.", "jdbc", "postgres", "com.fasterxml", "SQL")) {
      if (r.body().contains(leak)) {
        wrong.add(what + ": the response shows internals ('" + leak + "'): " + r.body());
      }
    }
  }

  @Test
  @Order(2)
  void eventDecodingNeverInstantiatesAClassNamedByTheMessage() throws Exception {
    EventCodec codec = EventCodec.of(typesOfSaga());
    String orderId = UUID.randomUUID().toString();
    // A valid event with polymorphic-typing fields: they are unknown fields, ignored; the data is
    // the registered record, nothing else.
    Event<?> event = codec.decode(cloudEvent(OrderCreated.TYPE,
        "{\"@class\":\"java.lang.ProcessBuilder\",\"@type\":\"java.net.URL\",\"@c\":\".Evil\",\"orderId\":\"" + orderId
            + "\",\"customerId\":\"c\",\"orderTotal\":1.50}"));
    assertThat(event.data()).isEqualTo(new OrderCreated(orderId, "c", new BigDecimal("1.50")));

    Map<String, DecodeFailure> refused = new LinkedHashMap<>();
    refused.put(cloudEvent("java.lang.ProcessBuilder", "{\"command\":[\"touch\",\"/tmp/x\"]}"), DecodeFailure.UNKNOWN_TYPE);
    refused.put(cloudEvent(OrderCreated.class.getName(), "{\"orderId\":\"o\",\"customerId\":\"c\",\"orderTotal\":1}"), DecodeFailure.UNKNOWN_TYPE);
    refused.put(cloudEvent(OrderCreated.TYPE, "[\"java.lang.ProcessBuilder\",{\"command\":[\"id\"]}]"), DecodeFailure.INVALID_DATA);
    refused.put(cloudEvent(OrderCreated.TYPE, "{\"orderId\":[\"java.net.URL\",\"http://x\"],\"customerId\":\"c\",\"orderTotal\":1}"), DecodeFailure.INVALID_DATA);
    refused.put("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"id\"]}", DecodeFailure.NOT_CLOUDEVENT);
    refused.put("x".repeat(EventCodec.DEFAULT_MAX_BYTES + 1), DecodeFailure.TOO_LARGE);
    refused.forEach((body, failure) -> assertThatThrownBy(() -> codec.decode(body))
        .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(failure)));
    attacks.add("`@class`/`@type`/`@c` fields, class names as type, default-typing arrays, bodies over 1 MiB (codec)");
  }

  @Test
  @Order(3)
  void generatedPoliciesHaveNoUnconditionedWildcardPrincipalOrResource() {
    Topology topology = TopologyLoader.load(Path.of("..", "infra", "topology.yaml"));
    List<String> wrong = new ArrayList<>();
    IamPolicyGenerator iam = new IamPolicyGenerator(topology, Naming.NONE, AwsAccount.of("us-east-1", "123456789012"));
    int statements = 0;
    for (String service : topology.services().keySet()) {
      for (JsonNode s : iam.policyFor(service).path("Statement")) {
        statements++;
        if (s.has("Principal") || s.has("NotPrincipal") || s.has("NotAction") || s.has("NotResource")) {
          wrong.add("IAM policy of " + service + ": " + s);
        }
        if (s.path("Action").toString().matches(".*\"([a-z]+:)?\\*\".*")) {
          wrong.add("IAM policy of " + service + " allows every action: " + s);
        }
        // the objects of one payload bucket (arn:aws:s3:::bucket/*) are one resource, not a wildcard
        String resources = s.path("Resource").toString().replaceAll("arn:aws:s3:::[a-z0-9.-]+/\\*", "");
        if (resources.contains("*") && !s.has("Condition")) {
          wrong.add("IAM policy of " + service + " has a wildcard resource without condition: " + s);
        }
      }
    }
    JsonNode template = new CloudFormationExporter(topology, Naming.NONE).template();
    statements += wildcardPrincipals(template, "CloudFormation template", wrong);
    for (String queue : List.of(SagaSystem.ORDER_QUEUE, SagaSystem.CUSTOMER_QUEUE)) {
      String policy = system.aws.sqs().getQueueAttributes(r -> r.queueUrl(system.queueUrl(queue))
          .attributeNamesWithStrings("Policy")).attributesAsStrings().get("Policy");
      if (policy == null) {
        wrong.add("queue " + queue + " has no policy");
        continue;
      }
      try {
        JsonNode live = Http.JSON.readTree(policy);
        statements += wildcardPrincipals(live, "live policy of " + queue, wrong);
        for (JsonNode s : live.path("Statement")) {
          if (!s.path("Condition").path("ArnEquals").path("aws:SourceArn").asText().contains(":sns:")) {
            wrong.add("live policy of " + queue + " admits a sender without aws:SourceArn = a topic: " + s);
          }
        }
      } catch (Exception e) {
        wrong.add("queue " + queue + ": policy is not JSON: " + policy);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(statements).as("statements checked").isGreaterThan(4);
    attacks.add(statements + " policy statements checked (IAM, CloudFormation, live queue policies)");
  }

  @Test
  @Order(4)
  void noRequestBodySecretOrCredentialReachesTheLogs() {
    // Something for the services to log about: a few orders through the whole saga.
    String customer = system.createCustomer("log check", new BigDecimal("100.00"));
    for (int i = 0; i < 5; i++) {
      assertThat(system.placeOrder(customer, new BigDecimal("10.00")).status()).isEqualTo(202);
    }
    SagaAudit.awaitSettled(system, Duration.ofMinutes(1));
    String logs = system.logs();

    assertThat(system.leaks()).as("secrets in the logs").isEmpty();
    assertThat(logs).as("request bodies in the logs").doesNotContain(MARKER);
    assertThat(logs.lines().filter(l -> l.startsWith("12:00:00.000 ERROR [main] forged")))
        .as("forged log lines").isEmpty();
    assertThat(logs).as("stack traces in the logs").doesNotContain("\tat ");
    assertThat(logs).as("settings printed").doesNotContain("AWS_SECRET_ACCESS_KEY", "DATABASE_URL");
    Figures.record("Security",
        "both services, 5 orders through the saga",
        "-",
        String.join("; ", attacks.stream().distinct().toList()),
        0, 0,
        "every HTTP attack answered 4xx JSON without stack trace or internals; no class named by a message instantiated; "
            + "no unconditioned wildcard principal or resource; no body, secret key, DB password or signature in the logs",
        (System.nanoTime() - t0) / 1e9);
  }

  private static int wildcardPrincipals(JsonNode node, String where, List<String> wrong) {
    int found = 0;
    if (node.isObject()) {
      if (node.has("Principal") || node.has("NotPrincipal")) {
        found++;
        String principal = node.has("Principal") ? node.get("Principal").toString() : node.get("NotPrincipal").toString();
        if ((principal.equals("\"*\"") || principal.contains("\"AWS\":\"*\"") || node.has("NotPrincipal")) && !node.has("Condition")) {
          wrong.add(where + ": wildcard principal without condition: " + node);
        }
      }
      for (JsonNode child : node) {
        found += wildcardPrincipals(child, where, wrong);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        found += wildcardPrincipals(child, where, wrong);
      }
    }
    return found;
  }

  private static EventTypes typesOfSaga() {
    EventTypes.Builder b = EventTypes.builder();
    SagaEvents.TYPES.forEach(b::register);
    return b.build();
  }

  private static String cloudEvent(String type, String data) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"attacker\",\"type\":\"" + type
        + "\",\"time\":\"" + Instant.now() + "\",\"data\":" + data + "}";
  }
}
