package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.otlp.OtlpReceiver;
import dev.evently.otlp.ReceivedSpan;
import dev.evently.otlp.Waterfall;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Tracing across both services: each runs with the OpenTelemetry SDK exporting OTLP/HTTP to a
 * receiver in this test; every order placed with a caller's {@code traceparent} must yield one
 * trace through the order service's HTTP span, its outbox relay's publish, the customer service's
 * process span, the reply's publish and the order service's process span, each the child of the
 * one before.
 */
class TracingIT {
  private static final int ORDERS = Scale.pick(5, 50);

  @Test
  void everyOrderIsOneConnectedTraceAcrossBothServices() {
    try (OtlpReceiver receiver = OtlpReceiver.start(0, null);
        SagaSystem system =
            SagaSystem.start(
                "tracing",
                SagaSystem.Options.withEnv(
                    Map.of(
                        "OTEL_TRACES_EXPORTER", "otlp",
                        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                        "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint().toString(),
                        "OTEL_BSP_SCHEDULE_DELAY", "200")))) {
      String customer = system.createCustomer("traced", new BigDecimal("1000.00"));
      Map<String, String> traceOfOrder = new LinkedHashMap<>();
      for (int i = 0; i < ORDERS; i++) {
        String traceId = hex(16);
        String callerSpan = hex(8);
        Http.Reply reply =
            Http.send(
                HttpRequest.newBuilder(system.orders.url("/orders"))
                    .timeout(SagaSystem.HTTP_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"" + customer + "\",\"orderTotal\":10.00}"))
                    .build());
        assertThat(reply.status()).as("POST /orders: %s", reply).isEqualTo(202);
        traceOfOrder.put(reply.json().get("orderId").asText(), traceId);
      }

      for (Map.Entry<String, String> order : traceOfOrder.entrySet()) {
        await("order " + order.getKey() + " approved")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> "APPROVED".equals(system.order(order.getKey()).json().get("state").asText()));
        await("the whole trace of order " + order.getKey())
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertConnected(receiver.trace(order.getValue())));
      }
      String first = traceOfOrder.values().iterator().next();
      System.out.println("trace " + first + " of the first order:\n" + Waterfall.render(receiver.trace(first)));
    }
  }

  /** HTTP → relay's create → customer's process → reply's create → order's process, parent to child. */
  private static void assertConnected(List<ReceivedSpan> trace) {
    String waterfall = Waterfall.render(trace);
    ReceivedSpan http = one(trace, "order-service", s -> s.name().equals("POST /orders") && s.kind().equals("SERVER"), waterfall);
    ReceivedSpan placed = one(trace, "order-service", s -> s.name().startsWith("create ") && s.name().endsWith("order-events"), waterfall);
    ReceivedSpan credit = one(trace, "customer-service", s -> s.name().startsWith("process ") && s.kind().equals("CONSUMER"), waterfall);
    ReceivedSpan reply = one(trace, "customer-service", s -> s.name().startsWith("create ") && s.name().endsWith("customer-events"), waterfall);
    ReceivedSpan outcome = one(trace, "order-service", s -> s.name().startsWith("process ") && s.kind().equals("CONSUMER"), waterfall);
    assertThat(placed.parentSpanId()).as(waterfall).isEqualTo(http.spanId());
    assertThat(credit.parentSpanId()).as(waterfall).isEqualTo(placed.spanId());
    assertThat(reply.parentSpanId()).as(waterfall).isEqualTo(credit.spanId());
    assertThat(outcome.parentSpanId()).as(waterfall).isEqualTo(reply.spanId());
    assertThat(outcome.attributes()).as(waterfall).containsEntry("messaging.system", "aws_sqs");
  }

  private static ReceivedSpan one(List<ReceivedSpan> trace, String service, Predicate<ReceivedSpan> what, String waterfall) {
    List<ReceivedSpan> found = new ArrayList<>(trace.stream().filter(s -> s.service().equals(service)).filter(what).toList());
    assertThat(found).as("in %s:%n%s", service, waterfall).hasSize(1);
    return found.get(0);
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zero
    return HexFormat.of().formatHex(b);
  }
}
