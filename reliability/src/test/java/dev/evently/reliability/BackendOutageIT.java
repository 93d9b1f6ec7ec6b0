package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * R2, backend outage: both services reach SNS/SQS through a proxy that is cut for
 * 15 s (30 s in the full run) while orders keep arriving over HTTP. The order service keeps
 * accepting orders (their events wait in the outbox), the consumers back off instead of spinning,
 * {@code /health} reports the outage and recovers; afterwards nothing is lost and nothing is
 * applied twice.
 */
class BackendOutageIT {
  private static final int OUTAGE_SECONDS = Scale.pick(15, 30);
  private static final int ORDERS = Scale.pick(200, 1_500);
  private static final double RATE = Scale.pick(10, 20);
  private static final Pattern RECEIVE_FAILED = Pattern.compile("receive from '[^']+' failed \\((\\d+) in a row\\)");

  @Test
  void ordersKeepComingDuringAnSnsSqsOutageAndNothingIsLost() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r2", new SagaSystem.Options(true, false))) {
      Map<String, BigDecimal> customers = system.createCustomers(Math.max(20, ORDERS / 25));
      OrderTraffic.Result traffic;
      long acceptedDuringCut;
      AtomicLong outboxPeak = new AtomicLong();
      long healthDownAfterMillis;
      long recoveredAfterMillis;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 4)) {
        await().atMost(Duration.ofMinutes(5)).until(() -> orders.completed() >= ORDERS / 4);
        int before = orders.completed();
        long cutAt = System.nanoTime();
        system.awsProxy.cut();
        await("both services report the outage on /health").atMost(Duration.ofSeconds(OUTAGE_SECONDS))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> queueDown(system.orders) && queueDown(system.customers));
        healthDownAfterMillis = (System.nanoTime() - cutAt) / 1_000_000;
        // The outage lasts OUTAGE_SECONDS in all; throughout, both processes stay up and the
        // order service keeps accepting orders into its outbox.
        long remaining = Math.max(1, OUTAGE_SECONDS * 1000L - healthDownAfterMillis);
        await("the outage lasts " + OUTAGE_SECONDS + " s").during(Duration.ofMillis(remaining))
            .atMost(Duration.ofMillis(remaining + 5_000)).pollInterval(Duration.ofMillis(500))
            .until(() -> {
              outboxPeak.accumulateAndGet(Postgres.count("SELECT count(*) FROM " + system.orderSchema
                  + ".evently_outbox WHERE published_at IS NULL"), Math::max);
              return system.orders.isAlive() && system.customers.isAlive();
            });
        acceptedDuringCut = orders.completed() - before;
        long restoreAt = System.nanoTime();
        system.awsProxy.restore();
        system.orders.awaitHealthy(Duration.ofSeconds(60));
        system.customers.awaitHealthy(Duration.ofSeconds(60));
        recoveredAfterMillis = (System.nanoTime() - restoreAt) / 1_000_000;
        traffic = orders.finish();
      }
      SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(3), Duration.ofMinutes(8)));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(traffic.refused() + traffic.unknownOutcome())
          .as("orders not accepted during the outage: %s %s", traffic.lastRefusal(), traffic.lastFailure()).isZero();
      assertThat(acceptedDuringCut).as("orders accepted while SNS/SQS were unreachable").isPositive();
      assertThat(outboxPeak.get()).as("events held in the outbox during the outage").isPositive();
      long receiveFailures = RECEIVE_FAILED.matcher(system.logs()).results().count();
      // Two receive loops per service backing off up to 10 s: a few dozen failures, not a spin.
      assertThat(receiveFailures).as("failed receives logged by both consumers").isBetween(2L, 80L);

      Figures.record("R2 SNS/SQS outage",
          ORDERS + " orders at " + (int) RATE + "/s (" + Figures.states(report) + ")",
          "services cut off from SNS/SQS for " + OUTAGE_SECONDS + " s (TCP proxy reset)",
          "-",
          report.lost(), report.appliedTwice(),
          acceptedDuringCut + " orders accepted during the outage, up to " + outboxPeak.get() + " events held in the outbox; "
              + "/health DOWN after " + healthDownAfterMillis + " ms, UP " + recoveredAfterMillis + " ms after restore; "
              + receiveFailures + " failed receives (backoff); DLQs 0; " + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static boolean queueDown(ServiceProcess service) {
    Http.Reply health = service.health();
    return health.status() == 503 && health.json().path("checks").path("queue").asText().startsWith("DOWN");
  }
}
