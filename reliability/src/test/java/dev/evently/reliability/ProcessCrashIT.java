package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * R1, process crashes: the three services (order-publisher, customer-subscriber and
 * notification-service, which reads both topics) are SIGKILLed several times each, at random
 * moments, while orders flow, and restarted on the same databases. Afterwards every order is
 * final, credit is consistent for every customer, every order's timeline is complete, no
 * notification is missing or duplicated, the dead-letter queues are empty and no event was
 * applied twice.
 */
class ProcessCrashIT {
  private static final int ORDERS = Scale.pick(250, 2_000);
  private static final int KILLS_PER_SERVICE = Scale.pick(2, 4);
  private static final double RATE = Scale.pick(20, 25);

  private record Kill(ServiceProcess service, double atFraction) {}

  @Test
  void sigkilledServicesLoseNothingAndApplyNothingTwice() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r1", SagaSystem.Options.DIRECT.withNotifications())) {
      Map<String, BigDecimal> customers = system.createCustomers(Math.max(20, ORDERS / 25));
      List<Kill> kills = new ArrayList<>();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < KILLS_PER_SERVICE; i++) {
        kills.add(new Kill(system.orders, 0.05 + 0.85 * random.nextDouble()));
        kills.add(new Kill(system.customers, 0.05 + 0.85 * random.nextDouble()));
        kills.add(new Kill(system.notifications, 0.05 + 0.85 * random.nextDouble()));
      }
      kills.sort(Comparator.comparingDouble(Kill::atFraction));

      OrderTraffic.Result traffic;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 4)) {
        for (Kill kill : kills) {
          int due = (int) (kill.atFraction() * ORDERS);
          await("order " + due + " of " + ORDERS + " requested").atMost(Duration.ofMinutes(10))
              .pollInterval(Duration.ofMillis(20)).until(() -> orders.completed() >= due || orders.done());
          kill.service().kill();
          System.out.println("[R1] SIGKILL " + kill.service().name() + " after " + orders.completed() + " orders");
          if (kill.service() == system.notifications) {
            // Spring Boot starts slowest; the orders flow on meanwhile (a second kill may hit it starting)
            kill.service().launch();
          } else {
            kill.service().start();
          }
        }
        traffic = orders.finish();
      }
      system.notifications.awaitHealthy();
      SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(3), Duration.ofMinutes(8)));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).as("invariants after %d kills", kills.size()).isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(report.ordersByState()).doesNotContainKey("PENDING");
      // a request cut by a kill was retried with its Idempotency-Key: every order has a known outcome
      assertThat(traffic.accepted().size())
          .as("orders placed (%s %s)", traffic.lastRefusal(), traffic.lastFailure()).isEqualTo(ORDERS);
      assertThat(system.orders.starts()).isEqualTo(KILLS_PER_SERVICE + 1);
      assertThat(system.customers.starts()).isEqualTo(KILLS_PER_SERVICE + 1);
      assertThat(system.notifications.starts()).isEqualTo(KILLS_PER_SERVICE + 1);
      long timeline = Postgres.count("SELECT count(*) FROM " + system.notificationSchema + ".order_timeline");
      long sent = Postgres.count("SELECT count(*) FROM " + system.notificationSchema + ".notifications");

      Figures.record("R1 process crashes",
          ORDERS + " orders at " + (int) RATE + "/s over " + customers.size() + " customers (" + Figures.states(report) + ")",
          KILLS_PER_SERVICE + " SIGKILLs of each of the 3 services at random moments, restarted on the same PostgreSQL",
          traffic.ambiguous() + " requests cut mid-flight by a kill, retried with the same Idempotency-Key ("
              + (long) system.orders.metric("orders_idempotency_hits_total", "REPLAYED") + " replays since the last restart); "
              + traffic.reconnects() + " reconnects while down",
          report.lost(), report.appliedTwice(),
          "all final; credit consistent for " + customers.size() + " customers; DLQs 0; "
              + report.customerProcessed() + "+" + report.orderProcessed() + " events processed once; notification-service: "
              + timeline + " events on complete timelines, " + sent + " notifications, none twice; " + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
