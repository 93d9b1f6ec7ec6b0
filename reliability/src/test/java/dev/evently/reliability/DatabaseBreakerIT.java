package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * R7, a long database outage behind the circuit breaker: the customer service's PostgreSQL is cut
 * for longer than maxReceiveCount x backoff (150 s in the full suite) while orders keep coming.
 * Before the breaker, every OrderCreated of the outage was retried until the redrive policy moved
 * it to the dead-letter queue (45 orders stuck PENDING in the finding that led to it); now the
 * consumer stops receiving while the breaker is open, probes the database, and drains the backlog
 * once it answers: nothing dead-lettered, lost or applied twice.
 */
class DatabaseBreakerIT {
  private static final int OUTAGE_SECONDS = Scale.pick(30, 150);
  private static final double RATE = Scale.pick(3, 1);
  private static final int ORDERS = (int) (RATE * (OUTAGE_SECONDS + Scale.pick(20, 40)));

  @Test
  void aLongCustomerDatabaseOutagePausesTheQueueAndDeadLettersNothing() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r7", new SagaSystem.Options(false, true))) {
      Map<String, BigDecimal> customers = system.createCustomers(20);
      ServiceProcess service = system.customers;
      OrderTraffic.Result traffic;
      double receivesDuringOutage;
      double receivedDuringOutage;
      long openAfterMillis;
      long outageMillis;
      long drainMillis;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 2)) {
        await().atMost(Duration.ofMinutes(2)).until(() -> orders.completed() >= (int) (RATE * 10));
        long cutAt = System.nanoTime();
        system.customerDbProxy.cut();
        await("the customer service's breaker opens").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> service.metric("evently_consumer_breaker_state") == 1.0);
        openAfterMillis = (System.nanoTime() - cutAt) / 1_000_000;
        double callsAtOpen = service.metric("evently_consumer_receive_calls_total");
        double receivedAtOpen = service.metric("evently_consumer_received_total");
        Http.Reply live = service.liveness();
        assertThat(live.status()).as("liveness while the database is down").isEqualTo(200);
        assertThat(live.json().path("status").asText()).isEqualTo("DEGRADED");
        assertThat(service.health().status()).as("readiness while the database is down").isEqualTo(503);
        long remaining = Math.max(1, OUTAGE_SECONDS * 1000L - (System.nanoTime() - cutAt) / 1_000_000);
        await("the outage lasts " + OUTAGE_SECONDS + " s").during(Duration.ofMillis(remaining))
            .atMost(Duration.ofMillis(remaining + 5_000)).pollInterval(Duration.ofSeconds(1))
            .until(() -> service.isAlive() && system.depth(SagaSystem.dlq(SagaSystem.CUSTOMER_QUEUE)) == 0);
        receivesDuringOutage = service.metric("evently_consumer_receive_calls_total") - callsAtOpen;
        receivedDuringOutage = service.metric("evently_consumer_received_total") - receivedAtOpen;
        outageMillis = (System.nanoTime() - cutAt) / 1_000_000;
        long restoredAt = System.nanoTime();
        system.customerDbProxy.restore();
        traffic = orders.finish();
        SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(3), Duration.ofMinutes(6)));
        drainMillis = (System.nanoTime() - restoredAt) / 1_000_000;
      }
      service.awaitHealthy(Duration.ofSeconds(60));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).as("dead letters and inconsistencies").isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(report.appliedTwice()).isZero();
      assertThat(traffic.accepted()).as("orders placed").hasSize(ORDERS);
      // only the long poll in flight when the breaker opened can still bring a message
      assertThat(receivedDuringOutage).as("messages received while the breaker was open").isLessThanOrEqualTo(10);

      Figures.record("R7 PostgreSQL outage behind the circuit breaker",
          ORDERS + " orders at " + (RATE == 1 ? "1" : String.valueOf((int) RATE)) + "/s (" + Figures.states(report) + ")",
          "customer-subscriber's PostgreSQL connections cut for " + outageMillis / 1000 + " s (TCP proxy reset);"
              + " maxReceiveCount 5, backoff 1 s doubling",
          "-",
          report.lost(), report.appliedTwice(),
          "breaker open " + openAfterMillis + " ms after the cut; while open: " + (long) receivesDuringOutage
              + " receive calls, " + (long) receivedDuringOutage + " messages received; 0 dead-lettered;"
              + " backlog drained " + drainMillis / 1000 + " s after the restore; /health 200 DEGRADED, /health/ready 503;"
              + " " + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
