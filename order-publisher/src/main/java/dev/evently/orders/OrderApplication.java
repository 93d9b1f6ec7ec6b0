package dev.evently.orders;

import dev.evently.event.EventTypes;
import dev.evently.outbox.Outbox;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.ServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The order service, a Spring Boot application on the evently starter: {@code POST /orders} (with
 * an optional {@code Idempotency-Key} header, see {@link OrderApi}), {@code GET /orders/{id}},
 * {@code POST /orders/{id}/cancel}, {@code /health}, {@code /health/ready} and {@code /metrics};
 * publishes OrderCreated / OrderCancelled to {@code order-events} through the outbox and applies
 * the credit replies from {@code order-service} ({@link CreditReplies}).
 *
 * <p>Environment ({@code order-service.properties}): {@code HTTP_PORT} (8081), {@code DATABASE_URL}
 * (an H2 file under {@code ./data/} by default; an H2 file URL always gets {@code WRITE_DELAY=0} and
 * one with another {@code WRITE_DELAY} stops the start naming {@code DATABASE_URL}), {@code
 * ORDER_EVENTS_TOPIC} ({@code order-events}), {@code ORDER_QUEUE} ({@code order-service}), {@code
 * PAYLOADS_BUCKET} (the S3 claim-check for large events), {@code LOG_LEVEL}, and the AWS SDK's own
 * variables ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, credentials). Spring's own properties
 * work too ({@code --server.port=...}).
 */
@SpringBootApplication
@Import(ServiceSupport.class)
public class OrderApplication {
  /** The service's name: its CloudEvents source, and its consumer name in the dedup table. */
  public static final String SERVICE = "order-service";
  /** The publisher ({@code evently.publishers.order-events}) the outbox rows are written for. */
  static final String PUBLISHER = "order-events";

  public static void main(String[] args) {
    run(Map.of(), args);
  }

  /**
   * Starts the service with {@code properties} over its own ({@code order-service.properties},
   * which keeps it apart from another service's in the same JVM, as in tests).
   */
  public static ConfigurableApplicationContext run(Map<String, Object> properties, String... args) {
    return ServiceSupport.run(OrderApplication.class, SERVICE, properties, args);
  }

  @Bean
  EventTypes eventTypes() {
    return ServiceSupport.eventTypes(SagaEvents.TYPES);
  }

  @Bean
  OrderService orderService(DataSource dataSource, Outbox outbox, MeterRegistry meters) {
    return new OrderService(dataSource, outbox::publish, PUBLISHER, meters);
  }
}
