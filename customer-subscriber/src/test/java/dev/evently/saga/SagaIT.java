package dev.evently.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.customers.CustomerApplication;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.orders.OrderApplication;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.testing.Services;
import org.springframework.context.ConfigurableApplicationContext;
import dev.evently.service.ServiceSupport;
import dev.evently.service.testing.JsonHttp;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The order/credit saga end to end: both services in-process, over the real topology of {@code
 * infra/topology.yaml} (applied with a unique prefix) on the local SNS/SQS backend. The order
 * service runs on H2 (the default), the customer service on PostgreSQL (a schema of its own), so
 * both supported databases carry the saga.
 */
@LocalAws
class SagaIT {
  private static final JsonHttp ORDERS = new JsonHttp(() -> Services.port(SagaIT.orders));
  private static final JsonHttp CUSTOMERS = new JsonHttp(() -> Services.port(SagaIT.customers));
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final EventCodec CODEC = EventCodec.of(ServiceSupport.eventTypes(SagaEvents.TYPES));

  private static AwsBackend aws;
  private static SagaTopology topology;
  private static ConfigurableApplicationContext orders;
  private static ConfigurableApplicationContext customers;

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static String schema;

  @BeforeAll
  static void start(AwsBackend backend) throws Exception {
    aws = backend;
    schema = "saga_" + UUID.randomUUID().toString().substring(0, 8);
    postgres("CREATE SCHEMA " + schema);
    topology = SagaTopology.apply(aws, "saga");
    Map<String, Object> customer = Services.inProcess(aws, physical(SagaEvents.CUSTOMER_QUEUE));
    customer.put("spring.datasource.url", POSTGRES + "&currentSchema=" + schema);
    customer.put("CUSTOMER_EVENTS_TOPIC", physical(SagaEvents.CUSTOMER_EVENTS_TOPIC));
    customer.put("CUSTOMER_QUEUE", physical(SagaEvents.CUSTOMER_QUEUE));
    customers = CustomerApplication.run(customer);
    Map<String, Object> order = Services.inProcess(aws, physical(SagaEvents.ORDER_QUEUE));
    order.put("ORDER_EVENTS_TOPIC", physical(SagaEvents.ORDER_EVENTS_TOPIC));
    order.put("ORDER_QUEUE", physical(SagaEvents.ORDER_QUEUE));
    orders = OrderApplication.run(order);
  }

  @AfterAll
  static void stop() {
    if (orders != null) {
      orders.close();
    }
    if (customers != null) {
      customers.close();
    }
    if (topology != null) {
      topology.close();
    }
    postgres("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static void postgres(String sql) {
    try (Connection c = DriverManager.getConnection(POSTGRES);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 (database test) is required: " + e.getMessage(), e);
    }
  }

  @Test
  void anOrderWithinTheLimitIsApprovedAndReservesCredit() throws Exception {
    String customer = createCustomer("100.00");
    String order = placeOrder(customer, "60.00");

    JsonNode approved = awaitFinal(order);
    assertThat(approved.get("state").asText()).isEqualTo("APPROVED");
    assertThat(availableCredit(customer)).isEqualByComparingTo("40.00");
  }

  @Test
  void anOrderOverTheLimitIsRejected() throws Exception {
    String customer = createCustomer("50.00");
    String order = placeOrder(customer, "60.00");

    JsonNode rejected = awaitFinal(order);
    assertThat(rejected.get("state").asText()).isEqualTo("REJECTED");
    assertThat(rejected.get("rejectionReason").asText()).isEqualTo(SagaEvents.REASON_LIMIT_EXCEEDED);
    assertThat(availableCredit(customer)).isEqualByComparingTo("50.00");
  }

  @Test
  void anOrderOfAnUnknownCustomerIsRejected() throws Exception {
    String order = placeOrder(UUID.randomUUID().toString(), "10.00");

    JsonNode rejected = awaitFinal(order);
    assertThat(rejected.get("state").asText()).isEqualTo("REJECTED");
    assertThat(rejected.get("rejectionReason").asText()).isEqualTo(SagaEvents.REASON_UNKNOWN_CUSTOMER);
  }

  @Test
  void cancellingAnApprovedOrderReleasesItsCredit() throws Exception {
    String customer = createCustomer("100.00");
    String order = placeOrder(customer, "60.00");
    assertThat(awaitFinal(order).get("state").asText()).isEqualTo("APPROVED");

    HttpResponse<String> cancel = ORDERS.post("/orders/" + order + "/cancel", "");
    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(ORDERS.getJson("/orders/" + order).get("state").asText()).isEqualTo("CANCELLED");
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(availableCredit(customer)).isEqualByComparingTo("100.00"));
    assertThat(ORDERS.post("/orders/" + order + "/cancel", "").statusCode()).isEqualTo(409);
  }

  @Test
  void duplicatedAndReorderedDeliveriesDoNotChangeAnyOutcome() throws Exception {
    String customer = createCustomer("100.00");
    String approved = placeOrder(customer, "60.00");
    assertThat(awaitFinal(approved).get("state").asText()).isEqualTo("APPROVED");
    String cancelled = placeOrder(customer, "30.00");
    assertThat(awaitFinal(cancelled).get("state").asText()).isEqualTo("APPROVED");
    assertThat(ORDERS.post("/orders/" + cancelled + "/cancel", "").statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(availableCredit(customer)).isEqualByComparingTo("40.00"));

    // Duplicates: the same creation again (same id twice, and re-published with a new id), and
    // a contradicting reply delivered twice for the approved order.
    Event<OrderCreated> again = event(new OrderCreated(approved, customer, new BigDecimal("60.00")));
    sendToCustomers(again);
    sendToCustomers(again);
    sendToCustomers(event(new OrderCreated(approved, customer, new BigDecimal("60.00"))));
    Event<CustomerCreditReservationFailed> contradiction =
        event(new CustomerCreditReservationFailed(approved, customer, SagaEvents.REASON_LIMIT_EXCEEDED));
    sendToOrders(contradiction);
    sendToOrders(contradiction);
    // Reordering: the cancelled order's creation and reservation arrive after its cancellation.
    sendToCustomers(event(new OrderCreated(cancelled, customer, new BigDecimal("30.00"))));
    sendToOrders(event(new CustomerCreditReserved(cancelled, customer)));
    // Reordering: a cancellation that arrives before its creation must not touch the credit.
    String early = UUID.randomUUID().toString();
    sendToCustomers(event(new OrderCancelled(early, customer)));
    sendToCustomers(event(new OrderCreated(early, customer, new BigDecimal("40.00"))));

    awaitDrained(SagaEvents.CUSTOMER_QUEUE);
    awaitDrained(SagaEvents.ORDER_QUEUE);
    assertThat(ORDERS.getJson("/orders/" + approved).get("state").asText()).isEqualTo("APPROVED");
    assertThat(ORDERS.getJson("/orders/" + cancelled).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(availableCredit(customer)).isEqualByComparingTo("40.00");
    assertThat(depth(SagaEvents.CUSTOMER_QUEUE + "-dlq")).isZero();
    assertThat(depth(SagaEvents.ORDER_QUEUE + "-dlq")).isZero();
  }

  private static String physical(String logical) {
    return topology.physical(logical);
  }

  private static <T extends Record> Event<T> event(T data) {
    String orderId = data instanceof OrderCreated o ? o.orderId() : null;
    return CODEC.types().event("saga-it", data).withSubject(orderId);
  }

  private static void sendToCustomers(Event<?> event) {
    send(SagaEvents.CUSTOMER_QUEUE, event);
  }

  private static void sendToOrders(Event<?> event) {
    send(SagaEvents.ORDER_QUEUE, event);
  }

  /** Sends {@code event} as SNS raw delivery would: the CloudEvent body and its type attribute. */
  private static void send(String queue, Event<?> event) {
    aws.sqs()
        .sendMessage(
            r ->
                r.queueUrl(queueUrl(queue))
                    .messageBody(CODEC.encode(event))
                    .messageAttributes(
                        Map.of(
                            EventAttributes.TYPE,
                            MessageAttributeValue.builder().dataType("String").stringValue(event.type()).build())));
  }

  private static String queueUrl(String logicalQueue) {
    return aws.sqs().getQueueUrl(r -> r.queueName(physical(logicalQueue))).queueUrl();
  }

  private static int depth(String logicalQueue) {
    Map<QueueAttributeName, String> attributes =
        aws.sqs()
            .getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl(logicalQueue))
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  /** Every message sent to the queue so far was handled and deleted. */
  private static void awaitDrained(String logicalQueue) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> depth(logicalQueue) == 0);
  }

  private static String createCustomer(String creditLimit) throws Exception {
    HttpResponse<String> response =
        CUSTOMERS.post("/customers", "{\"name\": \"Ada\", \"creditLimit\": " + creditLimit + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JsonHttp.json(response).get("customerId").asText();
  }

  private static String placeOrder(String customerId, String total) throws Exception {
    HttpResponse<String> response =
        ORDERS.post("/orders", "{\"customerId\": \"" + customerId + "\", \"orderTotal\": " + total + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode body = JsonHttp.json(response);
    assertThat(body.get("state").asText()).isEqualTo("PENDING");
    return body.get("orderId").asText();
  }

  private static JsonNode awaitFinal(String orderId) {
    return await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ORDERS.getJson("/orders/" + orderId), o -> !o.get("state").asText().equals("PENDING"));
  }

  private static BigDecimal availableCredit(String customerId) throws Exception {
    return CUSTOMERS.getJson("/customers/" + customerId).get("availableCredit").decimalValue();
  }
}
