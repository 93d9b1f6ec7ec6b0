package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyLoaderTest {
  private static final Path SOURCE = Path.of("inline.yaml");

  @Test
  void shippedTopologyDeclaresTheReferenceServices() {
    Topology t = TopologyLoader.load(Path.of("topology.yaml"));

    assertThat(t.topics().keySet()).containsExactly("order-events", "customer-events");
    assertThat(t.topics().values()).noneMatch(TopicSpec::fifo);
    QueueSpec customer = t.queue("customer-service").orElseThrow();
    assertThat(customer.service()).isEqualTo("customer-service");
    assertThat(customer.subscriptions()).singleElement().satisfies(s -> {
      assertThat(s.topic()).isEqualTo("order-events");
      assertThat(s.rawDelivery()).isTrue();
      assertThat(s.filterPolicy()).contains("{\"event-type\":[\"dev.evently.saga.order.created\",\"dev.evently.saga.order.cancelled\"]}");
      assertThat(s.filterPolicyScope()).isEqualTo(FilterPolicyScope.MessageAttributes);
    });
    assertThat(customer.dlq()).contains(new DlqSpec("customer-service-dlq", 14 * 86_400));
    assertThat(customer.maxReceiveCount()).isEqualTo(5);
    assertThat(customer.visibilityTimeoutSeconds()).isEqualTo(30);
    QueueSpec order = t.queue("order-service").orElseThrow();
    assertThat(order.subscriptions()).singleElement().satisfies(s -> assertThat(s.filterPolicy())
        .contains("{\"event-type\":[\"dev.evently.saga.customer.credit-reserved\",\"dev.evently.saga.customer.credit-reservation-failed\"]}"));
    assertThat(order.dlq().orElseThrow().name()).isEqualTo("order-service-dlq");
    assertThat(t.service("order-service").orElseThrow().publishes()).containsExactly("order-events");
    assertThat(t.service("customer-service").orElseThrow().publishes()).containsExactly("customer-events");
    assertThat(t.sourceOfDlq("order-service-dlq")).contains(order);
    // fan-out: each topic reaches two queues; the notification service reads both topics
    QueueSpec notification = t.queue("notification-service").orElseThrow();
    assertThat(notification.subscriptions()).extracting(SubscriptionSpec::topic).containsExactly("order-events", "customer-events");
    assertThat(notification.subscriptions()).allMatch(SubscriptionSpec::rawDelivery);
    assertThat(notification.dlq().orElseThrow().name()).isEqualTo("notification-service-dlq");
    assertThat(t.service("notification-service").orElseThrow().publishes()).isEmpty();
    for (String topic : t.topics().keySet()) {
      assertThat(t.queues().stream().filter(q -> q.subscriptions().stream().anyMatch(s -> s.topic().equals(topic))))
          .as("queues subscribed to %s", topic).hasSize(2);
    }
  }

  @Test
  void defaultsAreSafe() {
    Topology t = TopologyLoader.parse("""
        services:
          worker:
            queues:
              - name: jobs
              - name: jobs-in-order.fifo
        """, SOURCE);

    QueueSpec jobs = t.queue("jobs").orElseThrow();
    assertThat(jobs.kmsKeyId()).isEmpty();
    assertThat(jobs.retentionSeconds()).isEqualTo(4 * 86_400);
    assertThat(jobs.dlq()).contains(new DlqSpec("jobs-dlq", 14 * 86_400));
    QueueSpec fifo = t.queue("jobs-in-order.fifo").orElseThrow();
    assertThat(fifo.fifo()).isTrue();
    assertThat(fifo.dlq().orElseThrow().name()).isEqualTo("jobs-in-order-dlq.fifo");
  }

  @Test
  void durationsAcceptUnits() {
    Topology t = TopologyLoader.parse("""
        services:
          worker:
            queues:
              - name: jobs
                visibilityTimeout: 2m
                retention: 12h
                dlq: {retention: 1d}
              - name: other
                dlq: false
        """, SOURCE);

    QueueSpec jobs = t.queue("jobs").orElseThrow();
    assertThat(jobs.visibilityTimeoutSeconds()).isEqualTo(120);
    assertThat(jobs.retentionSeconds()).isEqualTo(43_200);
    assertThat(jobs.dlq().orElseThrow().retentionSeconds()).isEqualTo(86_400);
    assertThat(t.queue("other").orElseThrow().dlq()).isEmpty();
  }

  @Test
  void reportsEveryProblemOfAFileAtOnce() {
    assertThatThrownBy(() -> TopologyLoader.parse("""
        topics:
          a:
        services:
          s:
            publishes: [b]
            queues:
              - name: q
                visibilityTimeout: -1
        """, SOURCE))
        .isInstanceOfSatisfying(TopologyException.class, e -> assertThat(e.problems())
            .extracting(TopologyException.Problem::line).containsExactly(5, 8))
        .hasMessageContaining("inline.yaml:5:")
        .hasMessageContaining("inline.yaml:8:");
  }

  @Test
  void missingFileIsNamed() {
    assertThatThrownBy(() -> TopologyLoader.load(Path.of("no/such/topology.yaml")))
        .isInstanceOf(TopologyException.class)
        .hasMessage("no/such/topology.yaml:1:1: no such file");
  }

  @Test
  void namingKeepsFifoSuffixLast() {
    Naming n = new Naming("t1-", "-blue");

    assertThat(n.physical("orders")).isEqualTo("t1-orders-blue");
    assertThat(n.physical("orders.fifo")).isEqualTo("t1-orders-blue.fifo");
    assertThatThrownBy(() -> Naming.prefix("bad prefix")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
  }
}
