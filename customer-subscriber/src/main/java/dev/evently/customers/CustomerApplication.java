package dev.evently.customers;

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
 * The customer service, a Spring Boot application on the evently starter: {@code POST /customers}
 * (with an optional {@code Idempotency-Key} header, see {@link CustomerApi}), {@code GET
 * /customers/{id}}, {@code /health}, {@code /health/ready} and {@code /metrics}; applies
 * OrderCreated / OrderCancelled from {@code customer-service} ({@link OrderEvents}) and publishes
 * its credit replies to {@code customer-events} through the outbox.
 *
 * <p>Environment ({@code customer-service.properties}): {@code HTTP_PORT} (8082), {@code
 * DATABASE_URL} (an H2 file under {@code ./data/} by default; an H2 file URL always gets {@code
 * WRITE_DELAY=0} and one with another {@code WRITE_DELAY} stops the start naming {@code
 * DATABASE_URL}), {@code CUSTOMER_EVENTS_TOPIC} ({@code customer-events}), {@code CUSTOMER_QUEUE}
 * ({@code customer-service}), {@code PAYLOADS_BUCKET}, {@code LOG_LEVEL}, and the AWS SDK's own
 * variables. Spring's own properties work too.
 */
@SpringBootApplication
@Import(ServiceSupport.class)
public class CustomerApplication {
  /** The service's name: its CloudEvents source, and its consumer name in the dedup table. */
  public static final String SERVICE = "customer-service";
  /** The publisher ({@code evently.publishers.customer-events}) the outbox rows are written for. */
  static final String PUBLISHER = "customer-events";

  public static void main(String[] args) {
    run(Map.of(), args);
  }

  /**
   * Starts the service with {@code properties} over its own ({@code customer-service.properties},
   * which keeps it apart from another service's in the same JVM, as in tests).
   */
  public static ConfigurableApplicationContext run(Map<String, Object> properties, String... args) {
    return ServiceSupport.run(CustomerApplication.class, SERVICE, properties, args);
  }

  @Bean
  EventTypes eventTypes() {
    return ServiceSupport.eventTypes(SagaEvents.TYPES);
  }

  @Bean
  CustomerService customerService(DataSource dataSource, Outbox outbox, MeterRegistry meters) {
    return new CustomerService(dataSource, outbox::publish, PUBLISHER, meters);
  }
}
