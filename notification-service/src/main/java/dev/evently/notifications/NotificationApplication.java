package dev.evently.notifications;

import dev.evently.event.EventTypes;
import dev.evently.saga.events.SagaEvents;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import dev.evently.service.ServiceSupport;

/**
 * The notification service: a Spring Boot application on the evently starter. It consumes {@code
 * NOTIFICATION_QUEUE} (default {@code notification-service}), serves the timeline and the
 * notifications over HTTP ({@link NotificationApi}), {@code /health}, {@code /health/ready} and
 * {@code /metrics} ({@link ServiceSupport}, as the other reference services). It publishes nothing.
 *
 * <p>Environment: {@code HTTP_PORT} (8083), {@code DATABASE_URL} (an H2 file under {@code ./data/}
 * by default; an H2 file URL always gets {@code WRITE_DELAY=0} and one with another {@code
 * WRITE_DELAY} stops the start naming {@code DATABASE_URL}, as in the other services), {@code
 * NOTIFICATION_QUEUE}, {@code LOG_LEVEL} and the AWS SDK's own variables ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL}, credentials).
 */
@SpringBootApplication
@Import(ServiceSupport.class)
public class NotificationApplication {
  /** The service's name: the CloudEvents source it would use, and its consumer name in the dedup table. */
  public static final String SERVICE = "notification-service";

  public static void main(String[] args) {
    ServiceSupport.run(NotificationApplication.class, "application", java.util.Map.of(), args);
  }

  /** The saga's event types under their registered names (they are not {@code @EventType} records). */
  @Bean
  EventTypes eventTypes() {
    return ServiceSupport.eventTypes(SagaEvents.TYPES);
  }

}
