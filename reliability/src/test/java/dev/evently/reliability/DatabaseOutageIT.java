package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * R3, database outage: both services reach PostgreSQL through proxies that are cut (every
 * connection reset, new ones refused) while orders flow. Messages that arrive meanwhile fail and
 * are retried with backoff, not dead-lettered; orders placed meanwhile are refused with a clean
 * error or accepted, never half-done; afterwards nothing is lost and nothing is applied twice.
 */
class DatabaseOutageIT {
  private static final int OUTAGE_SECONDS = Scale.pick(15, 30);
  private static final int ORDERS = Scale.pick(320, 1_200); // the traffic must outlast the customer-only phase
  private static final double RATE = Scale.pick(10, 15);
  private static final Pattern RETRIED = Pattern.compile("consumer '[^']+': message \\S+ failed on attempt");

  @Test
  void messagesAreRetriedNotDeadLetteredWhileTheDatabaseIsUnreachable() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r3", new SagaSystem.Options(false, true))) {
      Map<String, BigDecimal> customers = system.createCustomers(Math.max(20, ORDERS / 25));
      OrderTraffic.Result traffic;
      long customerDownAfterMillis;
      long outageMillis;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 4)) {
        await().atMost(Duration.ofMinutes(5)).until(() -> orders.completed() >= ORDERS / 4);
        // The customer database goes first: orders keep coming, their events fail and are retried.
        long cutAt = System.nanoTime();
        system.customerDbProxy.cut();
        awaitDatabaseDown(system.customers);
        customerDownAfterMillis = (System.nanoTime() - cutAt) / 1_000_000;
        await("orders flow while only the customer database is down").during(Duration.ofSeconds(OUTAGE_SECONDS / 3))
            .atMost(Duration.ofSeconds(OUTAGE_SECONDS)).pollInterval(Duration.ofMillis(500))
            .until(() -> system.customers.isAlive());
        // Then the order database too: orders are refused, replies fail and are retried.
        system.orderDbProxy.cut();
        awaitDatabaseDown(system.orders);
        long remaining = Math.max(1, OUTAGE_SECONDS * 1000L - (System.nanoTime() - cutAt) / 1_000_000);
        await("the outage lasts " + OUTAGE_SECONDS + " s").during(Duration.ofMillis(remaining))
            .atMost(Duration.ofMillis(remaining + 5_000)).pollInterval(Duration.ofMillis(500))
            .until(() -> system.orders.isAlive() && system.customers.isAlive());
        outageMillis = (System.nanoTime() - cutAt) / 1_000_000;
        system.customerDbProxy.restore();
        system.orderDbProxy.restore();
        system.orders.awaitHealthy(Duration.ofSeconds(60));
        system.customers.awaitHealthy(Duration.ofSeconds(60));
        traffic = orders.finish();
      }
      SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(3), Duration.ofMinutes(8)));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);
      long retried = RETRIED.matcher(system.logs()).results().count();

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(retried).as("message attempts that failed during the outage and were retried").isPositive();
      assertThat(traffic.refused()).as("orders refused as invalid: %s", traffic.lastRefusal()).isZero();
      // a 500 during the outage was retried with the same Idempotency-Key until accepted: one order each
      assertThat(traffic.unknownOutcome()).as("orders whose outcome the client never learned").isZero();
      assertThat(traffic.accepted()).as("orders placed").hasSize(ORDERS);
      double replays = system.orders.metric("orders_idempotency_hits_total", "REPLAYED");
      if (traffic.lastFailure() != null) {
        assertThat(traffic.lastFailure()).as("a failed order's response").doesNotContain("Exception", "at dev.", "jdbc:");
      }

      Figures.record("R3 PostgreSQL outage",
          ORDERS + " orders at " + (int) RATE + "/s (" + Figures.states(report) + ")",
          "customer-subscriber's PostgreSQL connections cut for " + outageMillis / 1000 + " s, order-publisher's for the last "
              + (outageMillis / 1000 - OUTAGE_SECONDS / 3) + " s of it (TCP proxy reset)",
          traffic.failed() + " orders answered " + (traffic.lastFailure() == null ? "-" : traffic.lastFailure().split(" ")[0])
              + " during the outage, retried with the same Idempotency-Key until accepted (" + (long) replays
              + " retries answered with an order that had committed before the connection broke), " + traffic.ambiguous()
              + " cut mid-request",
          report.lost(), report.appliedTwice(),
          retried + " failed attempts retried with backoff, 0 dead-lettered; /health DOWN " + customerDownAfterMillis + " ms after the cut; "
              + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static void awaitDatabaseDown(ServiceProcess service) {
    await(service.name() + " reports its database DOWN").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> {
          Http.Reply health = service.health();
          return health.status() == 503 && health.json().path("checks").path("database").asText().startsWith("DOWN");
        });
  }
}
