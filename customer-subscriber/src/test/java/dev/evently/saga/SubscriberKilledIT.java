package dev.evently.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.orders.OrderApplication;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.Database;
import dev.evently.service.testing.Services;
import org.springframework.context.ConfigurableApplicationContext;
import dev.evently.service.testing.JsonHttp;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SIGKILL of customer-subscriber (the real jar, in its own process) in the middle of a stream of
 * orders, then a restart on the same database: every order still completes and every customer's
 * credit matches the approved orders. Nothing is lost and nothing is applied twice.
 */
@LocalAws
class SubscriberKilledIT {
  private static final int ORDERS = 40;

  @TempDir Path dataDir;
  private SagaTopology topology;
  private ConfigurableApplicationContext orders;
  private Process subscriber;

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.destroyForcibly();
    }
    if (orders != null) {
      orders.close();
    }
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void killingTheSubscriberMidStreamLosesNothing(AwsBackend aws) throws Exception {
    topology = SagaTopology.apply(aws, "kill");
    SubscriberProcess process = new SubscriberProcess(dataDir);
    // Messages the killed process held come back after the visibility timeout: keep it short.
    String customerQueue = aws.sqs().getQueueUrl(r -> r.queueName(topology.physical(SagaEvents.CUSTOMER_QUEUE))).queueUrl();
    aws.sqs().setQueueAttributes(r -> r.queueUrl(customerQueue).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3")));

    Map<String, Object> order = Services.inProcess(aws, topology.physical(SagaEvents.ORDER_QUEUE));
    order.put("ORDER_EVENTS_TOPIC", topology.physical(SagaEvents.ORDER_EVENTS_TOPIC));
    order.put("ORDER_QUEUE", topology.physical(SagaEvents.ORDER_QUEUE));
    orders = OrderApplication.run(order);
    ConfigurableApplicationContext orderService = orders;
    JsonHttp orderApi = new JsonHttp(() -> Services.port(orderService));
    int customerPort = SubscriberProcess.freePort();
    JsonHttp customerApi = new JsonHttp(() -> customerPort);
    Map<String, String> env = SubscriberProcess.env(aws, topology, customerPort,
        Database.h2File(dataDir.resolve("customers").toAbsolutePath().toString()));

    subscriber = process.start(env);
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var created = customerApi.post("/customers", "{\"name\": \"c" + i + "\", \"creditLimit\": 300}");
      assertThat(created.statusCode()).isEqualTo(201);
      customers.add(JsonHttp.json(created).get("customerId").asText());
    }

    Map<String, BigDecimal> totals = new HashMap<>();
    Map<String, String> customerOf = new HashMap<>();
    for (int i = 0; i < ORDERS; i++) {
      if (i == ORDERS / 2) {
        SubscriberProcess.kill(subscriber);
      }
      String customer = customers.get(i % customers.size());
      BigDecimal total = new BigDecimal(15 + i);
      var placed = orderApi.post("/orders", "{\"customerId\": \"" + customer + "\", \"orderTotal\": " + total + "}");
      assertThat(placed.statusCode()).isEqualTo(202);
      String orderId = JsonHttp.json(placed).get("orderId").asText();
      totals.put(orderId, total);
      customerOf.put(orderId, customer);
    }
    subscriber = process.start(env);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
        () -> totals.keySet().stream().allMatch(id -> !"PENDING".equals(orderApi.getJson("/orders/" + id).get("state").asText())));
    Map<String, BigDecimal> approved = new HashMap<>();
    for (String orderId : totals.keySet()) {
      if ("APPROVED".equals(orderApi.getJson("/orders/" + orderId).get("state").asText())) {
        approved.merge(customerOf.get(orderId), totals.get(orderId), BigDecimal::add);
      }
    }
    assertThat(approved.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isPositive();
    for (String customer : customers) {
      JsonNode view = customerApi.getJson("/customers/" + customer);
      BigDecimal expected = new BigDecimal("300").subtract(approved.getOrDefault(customer, BigDecimal.ZERO));
      assertThat(view.get("availableCredit").decimalValue()).as("credit of " + customer).isEqualByComparingTo(expected);
    }
  }
}
