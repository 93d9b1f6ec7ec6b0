package dev.evently.customers;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.Event;
import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.Database;
import dev.evently.service.Transactions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credit reservation rules against a real (in-memory H2) database and a recording outbox. */
class CustomerServiceTest {
  private final List<Event<?>> replies = new CopyOnWriteArrayList<>();
  private HikariDataSource dataSource;
  private CustomerService service;
  private String customerId;

  @BeforeEach
  void start() {
    dataSource = Database.open("jdbc:h2:mem:customers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "test", 4);
    Database.migrate(dataSource, "db/customers", "customers_schema_history");
    service =
        new CustomerService(
            dataSource, (tx, topicArn, event) -> replies.add(event), "arn:customer-events", new SimpleMeterRegistry());
    customerId = service.create("Ada", new BigDecimal("100.00"), null).value().customerId();
  }

  @AfterEach
  void stop() {
    dataSource.close();
  }

  @Test
  void reservesWithinTheLimitAndRepliesReserved() throws Exception {
    Event<OrderCreated> created = orderCreated("o-1", customerId, "60.00");
    handle(created);

    assertThat(available()).isEqualByComparingTo("40.00");
    assertThat(replies).singleElement().satisfies(r -> {
      assertThat(r.data()).isEqualTo(new CustomerCreditReserved("o-1", customerId));
      assertThat(r.type()).isEqualTo(CustomerCreditReserved.TYPE);
      assertThat(r.causationId()).isEqualTo(created.id());
      assertThat(r.correlationId()).as("the reply stays in its saga's flow").isEqualTo("flow-o-1");
      assertThat(r.subject()).isEqualTo("o-1");
    });
  }

  @Test
  void refusesOverTheLimitAndForUnknownCustomers() throws Exception {
    handle(orderCreated("o-1", customerId, "60.00"));
    handle(orderCreated("o-2", customerId, "40.01"));
    handle(orderCreated("o-3", "nobody", "1.00"));

    assertThat(available()).isEqualByComparingTo("40.00");
    assertThat(replies.stream().map(e -> (Object) e.data()).toList()).containsExactly(
        new CustomerCreditReserved("o-1", customerId),
        new CustomerCreditReservationFailed("o-2", customerId, SagaEvents.REASON_LIMIT_EXCEEDED),
        new CustomerCreditReservationFailed("o-3", "nobody", SagaEvents.REASON_UNKNOWN_CUSTOMER));
  }

  @Test
  void cancellationReleasesTheReservationOnce() throws Exception {
    handle(orderCreated("o-1", customerId, "60.00"));
    handle(orderCancelled("o-1"));
    handle(orderCancelled("o-1"));

    assertThat(available()).isEqualByComparingTo("100.00");
  }

  @Test
  void aCancellationBeforeItsCreationLeavesATombstoneSoTheCreationNeverReserves() throws Exception {
    handle(orderCancelled("o-1"));
    handle(orderCreated("o-1", customerId, "60.00"));

    assertThat(available()).isEqualByComparingTo("100.00");
    assertThat(replies.stream().map(e -> (Object) e.data()).toList()).containsExactly(
        new CustomerCreditReservationFailed("o-1", customerId, SagaEvents.REASON_ORDER_CANCELLED));
  }

  @Test
  void aSecondOrderCreatedForTheSameOrderNeverReservesTwice() throws Exception {
    handle(orderCreated("o-1", customerId, "60.00"));
    handle(orderCreated("o-1", customerId, "60.00"));

    assertThat(available()).isEqualByComparingTo("40.00");
    assertThat(replies).hasSize(1);
  }

  @Test
  void aRejectedOrderStaysRejectedWhenCancelled() throws Exception {
    handle(orderCreated("o-1", customerId, "500.00"));
    handle(orderCancelled("o-1"));
    handle(orderCreated("o-2", customerId, "100.00"));

    assertThat(available()).isEqualByComparingTo("0.00");
  }

  private BigDecimal available() {
    return service.find(customerId).orElseThrow().availableCredit();
  }

  private void handle(Event<?> event) {
    Transactions.inTransaction(dataSource, tx -> {
      if (event.data() instanceof OrderCreated) {
        @SuppressWarnings("unchecked")
        Event<OrderCreated> e = (Event<OrderCreated>) event;
        service.onOrderCreated(e, tx);
      } else {
        @SuppressWarnings("unchecked")
        Event<OrderCancelled> e = (Event<OrderCancelled>) event;
        service.onOrderCancelled(e, tx);
      }
      return null;
    });
  }

  private static Event<OrderCreated> orderCreated(String orderId, String customerId, String total) {
    return Event.of(OrderCreated.TYPE, "order-service", new OrderCreated(orderId, customerId, new BigDecimal(total)))
        .withCorrelationId("flow-" + orderId);
  }

  private Event<OrderCancelled> orderCancelled(String orderId) {
    return Event.of(OrderCancelled.TYPE, "order-service", new OrderCancelled(orderId, customerId));
  }
}
