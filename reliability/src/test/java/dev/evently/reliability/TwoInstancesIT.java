package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * R9, two instances of each service: order-publisher and customer-subscriber each run twice, both
 * instances of a service on one PostgreSQL schema and one queue: competing consumers (SQS hands
 * each message to one of them; a redelivery may go to the other) and competing outbox relays
 * (each claims rows with {@code FOR UPDATE SKIP LOCKED}). The HTTP requests alternate between the
 * instances, so an order placed on one may be cancelled on the other. Every order must end final
 * with the credit consistent, nothing lost, nothing applied twice, the dead-letter queues empty, and
 * both instances of each service must have consumed and relayed.
 */
class TwoInstancesIT {
  private static final int ORDERS = Scale.pick(200, 1_500);
  private static final double RATE = Scale.pick(10, 20);

  @Test
  void twoInstancesOfEachServiceShareTheWorkAndLoseNothing() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r9", SagaSystem.Options.DIRECT.withTwoInstances())) {
      Map<String, BigDecimal> customers = system.createCustomers(Math.max(10, ORDERS / 25));
      OrderTraffic.Result traffic;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 4)) {
        traffic = orders.finish();
      }
      SagaAudit.awaitSettled(system, Scale.pick(Duration.ofMinutes(2), Duration.ofMinutes(6)));
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(report.appliedTwice()).isZero();
      StringBuilder shares = new StringBuilder();
      for (List<ServiceProcess> pair : List.of(
          List.of(system.orders, system.orders2), List.of(system.customers, system.customers2))) {
        for (ServiceProcess instance : pair) {
          double consumed = instance.metric("evently_consumer_succeeded_total");
          double relayed = instance.metric("evently_outbox_published_total");
          String api = instance.name().startsWith("order") ? "uri=\"/orders" : "uri=\"/customers";
          double requests = instance.metric("http_server_requests_seconds_count", api);
          assertThat(consumed).as("%s consumed", instance.name()).isPositive();
          assertThat(relayed).as("%s relayed", instance.name()).isPositive();
          assertThat(requests).as("%s served requests", instance.name()).isPositive();
          shares.append(String.format("%s consumed %.0f, relayed %.0f, served %.0f; ", instance.name(), consumed,
              relayed, requests));
        }
      }

      Figures.record("R9 two instances per service",
          ORDERS + " orders at " + (int) RATE + "/s (" + Figures.states(report) + "), requests alternating between"
              + " the instances",
          "-", "-", report.lost(), report.appliedTwice(),
          "all final; credit consistent; DLQs 0; " + shares + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
