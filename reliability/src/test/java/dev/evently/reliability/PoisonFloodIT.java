package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.saga.events.OrderCreated;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * R4, poison flood: malformed, unknown-type, type-injection and oversized messages are written
 * straight into both services' queues, interleaved with the good events of real orders. Every
 * bad one ends up in its dead-letter queue with the right {@code dlq-reason}; every good one is
 * processed; the consumers never stop; no bad body is echoed into the logs.
 */
class PoisonFloodIT {
  private static final int BAD = Scale.pick(4, 36) * Poison.kinds(); // every kind into both queues
  private static final int ORDERS = Scale.pick(25, 250); // each order makes at least two good events
  private static final double RATE = Scale.pick(5, 10);

  @Test
  void everyBadMessageIsDeadLetteredWithItsReasonAndEveryGoodOneProcessed() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r4", SagaSystem.Options.DIRECT)) {
      Map<String, BigDecimal> customers = system.createCustomers(10);
      Poison poison = new Poison();
      Map<String, Poison.Message> sent = new HashMap<>();
      OrderTraffic.Result traffic;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 2)) {
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) * ORDERS / RATE / BAD);
        long start = System.nanoTime();
        for (int i = 0; i < BAD; i++) {
          LockSupport.parkNanos(start + i * interval - System.nanoTime()); // interleave with the orders
          Poison.Message m = poison.next(i);
          String queue = (i / Poison.kinds()) % 2 == 0 ? SagaSystem.CUSTOMER_QUEUE : SagaSystem.ORDER_QUEUE;
          system.aws.sqs().sendMessage(r -> r.queueUrl(system.queueUrl(queue)).messageBody(m.body())
              .messageAttributes(Map.of("event-type", MessageAttributeValue.builder().dataType("String")
                  .stringValue(m.kind().contains("unknown") ? "OrderShipped" : OrderCreated.TYPE).build())));
          sent.put(m.marker(), m);
        }
        traffic = orders.finish();
      }
      SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(3), Duration.ofMinutes(8)));
      SagaAudit.Report report = SagaAudit.auditIgnoringDeadLetters(system, customers, traffic);
      List<Message> dead = new ArrayList<>(system.drain(SagaSystem.dlq(SagaSystem.CUSTOMER_QUEUE)));
      dead.addAll(system.drain(SagaSystem.dlq(SagaSystem.ORDER_QUEUE)));

      List<String> wrong = new ArrayList<>();
      Map<String, Integer> byReason = new TreeMap<>();
      Map<String, Poison.Message> missing = new HashMap<>(sent);
      for (Message m : dead) {
        String marker = Poison.markerIn(m.body());
        Poison.Message original = marker == null ? null : missing.remove(marker);
        MessageAttributeValue reason = m.messageAttributes().get("dlq-reason");
        String actual = reason == null ? "(no dlq-reason)" : reason.stringValue();
        byReason.merge(actual, 1, Integer::sum);
        if (original == null) {
          wrong.add("unexpected dead letter " + (marker != null ? marker : m.body().substring(0, Math.min(200, m.body().length()))));
        } else if (!original.expectedReason().equals(actual)) {
          wrong.add(original.kind() + " " + marker + ": dlq-reason " + actual + ", expected " + original.expectedReason()
              + " (" + attribute(m, "dlq-error-message") + ")");
        } else if (!m.body().equals(original.body())) {
          wrong.add(original.kind() + " " + marker + ": the dead-lettered body differs from the original");
        } else if (attribute(m, "dlq-source-queue") == null || attribute(m, "dlq-error-message") == null) {
          wrong.add(original.kind() + " " + marker + ": dlq-source-queue or dlq-error-message missing");
        }
      }
      missing.values().forEach(m -> wrong.add(m.kind() + " " + m.marker() + " never reached a dead-letter queue"));
      List<String> echoed = Poison.MARKER.matcher(system.logs()).results().map(r -> r.group()).distinct().limit(5).toList();

      assertThat(wrong).as("dead letters").isEmpty();
      assertThat(dead).hasSize(BAD);
      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).as("the good events' effects").isEmpty();
      assertThat(report.orderEvents() + report.replyEvents()).as("good events").isGreaterThanOrEqualTo(2L * ORDERS);
      assertThat(system.orders.health().status()).as("order-publisher health").isEqualTo(200);
      assertThat(system.customers.health().status()).as("customer-subscriber health").isEqualTo(200);
      assertThat(system.orders.starts() + system.customers.starts()).as("no restarts").isEqualTo(2);
      assertThat(echoed).as("bad bodies echoed into the services' logs (INFO and above)").isEmpty();

      Figures.record("R4 poison flood",
          BAD + " bad messages interleaved with " + (report.orderEvents() + report.replyEvents()) + " good events of "
              + ORDERS + " orders, into both queues",
          "-",
          Poison.kinds() + " kinds: not JSON, truncated JSON, non-CloudEvent JSON, `@class` injection (top level, in data, "
              + "default-typing array), SNS envelope around garbage, unknown type, class name as type, wrong field type, "
              + "negative total, 1e20 total, 200 KB field, 250 KB garbage",
          report.lost(), report.appliedTwice(),
          BAD + "/" + BAD + " bad ones dead-lettered with the expected reason " + byReason + "; every good event processed; "
              + "consumers UP throughout; no bad body in the logs",
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static String attribute(Message m, String name) {
    MessageAttributeValue v = m.messageAttributes().get(name);
    return v == null ? null : v.stringValue();
  }
}
