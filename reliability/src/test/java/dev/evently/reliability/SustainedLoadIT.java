package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * R6, sustained load: orders at a steady rate for {@link #DURATION} (10 minutes in the full run).
 * The backlog (PENDING orders, unpublished outbox rows, queued messages) must not grow, the saga
 * latency of the last third must stay near the first third's, the heap retained after a full GC
 * must stay flat, and nothing may fail: no refused request, no ERROR or WARN log line (except the
 * documented retry of a create/cancel race), no dead letter.
 */
class SustainedLoadIT {
  private static final Duration DURATION = Scale.pick(Duration.ofSeconds(30), Duration.ofMinutes(10));
  private static final double RATE = Scale.pick(10, 15);
  private static final long MB = 1024 * 1024;

  private record Sample(long atMillis, long backlog) {}

  @Test
  void aSteadyRateHoldsWithFlatMemoryNoGrowingLagAndNoErrors() {
    long t0 = System.nanoTime();
    int orders = (int) (DURATION.toSeconds() * RATE);
    try (SagaSystem system = SagaSystem.start("r6", SagaSystem.Options.DIRECT)) {
      Map<String, BigDecimal> customers = system.createCustomers(Math.max(20, orders / 100));
      List<Sample> samples = new CopyOnWriteArrayList<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      OrderTraffic.Result traffic;
      long heapStartOrders;
      long heapStartCustomers;
      long started = System.nanoTime();
      try (OrderTraffic load = OrderTraffic.start(system, customers, orders, RATE, 4)) {
        sampler.scheduleAtFixedRate(() -> samples.add(new Sample((System.nanoTime() - started) / 1_000_000,
            SagaAudit.pendingWork(system))), 2, 2, TimeUnit.SECONDS);
        // Baseline after the warm-up (a tenth of the run, at least 10 s)
        org.awaitility.Awaitility.await().atMost(DURATION)
            .until(() -> load.completed() >= Math.max(orders / 10, (int) (10 * RATE)));
        heapStartOrders = system.orders.heapAfterGc();
        heapStartCustomers = system.customers.heapAfterGc();
        traffic = load.finish();
      } finally {
        sampler.shutdownNow();
      }
      long heapEndOrders = system.orders.heapAfterGc();
      long heapEndCustomers = system.customers.heapAfterGc();
      SagaAudit.awaitSettled(system, Duration.ofMinutes(2));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);

      int third = samples.size() / 3;
      long firstThirdMax = samples.subList(0, third).stream().mapToLong(Sample::backlog).max().orElse(0);
      long lastThirdMax = samples.subList(samples.size() - third, samples.size()).stream().mapToLong(Sample::backlog).max().orElse(0);
      long[] p95 = windowP95(system, orders);
      // OrderCreated and OrderCancelled of one order handled at the same moment both try to write
      // its reservation row; the loser is retried once (CustomerRepository#insertReservation).
      String race = "credit_reservations_pkey";
      long races = system.customers.log().lines().filter(l -> l.contains("failed, it will be redelivered") && l.contains(race)).count();
      List<String> problems = system.logs().lines()
          .filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).filter(l -> !l.contains(race)).limit(10).toList();

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).isEmpty();
      assertThat(traffic.refused() + traffic.unknownOutcome()).as("failed requests: %s %s", traffic.lastRefusal(), traffic.lastFailure()).isZero();
      assertThat(problems).as("ERROR and WARN lines").isEmpty();
      assertThat(lastThirdMax).as("backlog in the last third vs the first (%s)", samples).isLessThanOrEqualTo(Math.max(2 * firstThirdMax, (long) (3 * RATE)));
      assertThat(p95[1]).as("saga p95 of the last third vs the first (%d ms)", p95[0]).isLessThanOrEqualTo(2 * p95[0] + 1000);
      assertThat(heapEndOrders).as("order-publisher heap after GC").isLessThanOrEqualTo(heapStartOrders + Math.max(heapStartOrders / 2, 16 * MB));
      assertThat(heapEndCustomers).as("customer-subscriber heap after GC").isLessThanOrEqualTo(heapStartCustomers + Math.max(heapStartCustomers / 2, 16 * MB));

      Figures.record("R6 sustained load",
          orders + " orders at " + (int) RATE + "/s for " + DURATION.toSeconds() + " s (" + Figures.states(report) + "), "
              + (report.orderEvents() + report.replyEvents()) + " events",
          "-", "-", report.lost(), report.appliedTwice(),
          "backlog max " + firstThirdMax + " (first third) vs " + lastThirdMax + " (last third); saga p95 " + p95[0]
              + " ms vs " + p95[1] + " ms; heap after GC " + heapStartOrders / MB + "->" + heapEndOrders / MB
              + " MB (orders), " + heapStartCustomers / MB + "->" + heapEndCustomers / MB
              + " MB (customers); 0 failed requests; 0 ERROR/WARN lines besides " + races
              + " create/cancel races (retried once each); DLQs 0",
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** Saga p95 (ms) of the first and the last third of the orders, by creation time. */
  private static long[] windowP95(SagaSystem system, int orders) {
    String sql = "SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (updated_at - created_at)) * 1000) FROM "
        + "(SELECT *, ntile(3) OVER (ORDER BY created_at) AS part FROM " + system.orderSchema
        + ".orders WHERE state IN ('APPROVED', 'REJECTED')) o WHERE part = ";
    return new long[] {
      Postgres.query(sql + "1", rs -> rs.getLong(1)).get(0), Postgres.query(sql + "3", rs -> rs.getLong(1)).get(0)
    };
  }
}
