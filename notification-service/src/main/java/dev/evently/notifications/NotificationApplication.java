package dev.evently.notifications;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.EventTypes;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.Database;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;

/**
 * The notification service: a Spring Boot application on the evently starter. It consumes {@code
 * NOTIFICATION_QUEUE} (default {@code notification-service}), serves the timeline and the
 * notifications over HTTP ({@link NotificationApi}), {@code /health}, {@code /health/ready} and
 * {@code /metrics}. It publishes nothing.
 *
 * <p>Environment: {@code HTTP_PORT} (8083), {@code DATABASE_URL} (an H2 file under {@code ./data/}
 * by default; an H2 file URL always gets {@code WRITE_DELAY=0} and one with another {@code
 * WRITE_DELAY} stops the start naming {@code DATABASE_URL}, as in the other services), {@code
 * NOTIFICATION_QUEUE}, {@code LOG_LEVEL} and the AWS SDK's own variables ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL}, credentials).
 */
@SpringBootApplication
public class NotificationApplication {
  /** The service's name: the CloudEvents source it would use, and its consumer name in the dedup table. */
  public static final String SERVICE = "notification-service";

  public static void main(String[] args) {
    SpringApplication.run(NotificationApplication.class, args);
  }

  /** The saga's event types under their registered names (they are not {@code @EventType} records). */
  @Bean
  EventTypes eventTypes() {
    EventTypes.Builder types = EventTypes.builder();
    SagaEvents.TYPES.forEach(types::register);
    return types.build();
  }

  /**
   * Boot's HikariCP pool on {@code spring.datasource.url} ({@code DATABASE_URL}), made durable as
   * every service's database: {@link Database#durable}.
   *
   * @throws IllegalArgumentException naming {@code DATABASE_URL} for an H2 file URL with another
   *     {@code WRITE_DELAY} than 0 (the application does not start)
   */
  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(DataSourceProperties properties) {
    String url = Database.durable(properties.determineUrl(), "DATABASE_URL");
    return properties.initializeDataSourceBuilder().type(HikariDataSource.class).url(url).build();
  }

  /**
   * The library's dedup table ({@code evently_processed_events}), migrated with its own Flyway
   * history before the consumer starts; the service's own tables are Boot's Flyway migrations
   * ({@code db/notifications}).
   */
  @Bean
  EventlySchema eventlySchema(DataSource dataSource) {
    EventlyMigrations.migrate(dataSource);
    return new EventlySchema();
  }

  /** Marks the library's tables as migrated (a bean others can depend on). */
  static final class EventlySchema {}
}
