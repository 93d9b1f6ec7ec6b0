package dev.evently.service;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.SqsConsumer;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.outbox.Outbox;
import dev.evently.spring.ConsumerCustomizer;
import dev.evently.spring.EventPublishers;
import dev.evently.spring.EventlyConsumers;
import dev.evently.spring.EventlyProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.opentelemetry.api.OpenTelemetry;
import dev.evently.event.EventTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What every reference service adds to Spring Boot and the evently starter; a service imports it
 * ({@code @Import(ServiceSupport.class)}) and names its queue in {@code service.consume-queue} and,
 * if it publishes, its publisher ({@code evently.publishers.<name>}) in {@code service.publisher}.
 *
 * <ul>
 *   <li>Defaults for the embedded server, shutdown, logging and {@code /metrics} ({@code
 *       evently-service.properties}; the service's own properties and the environment override
 *       them).
 *   <li>Boot's HikariCP pool on {@code DATABASE_URL}, made durable ({@link Database#durable}), and
 *       the library's tables migrated before any handler runs.
 *   <li>{@code /health} and {@code /health/ready} ({@link HealthEndpoint}) over the checks {@code
 *       database}, {@code queue}, {@code topic} (when publishing), {@code consumer} (vital) and
 *       {@code breaker}; errors as {@code {"error", "field"}} ({@link ApiErrors}).
 *   <li>The consumer's tuning and its database circuit breaker ({@link #databaseBreaker}), through
 *       a {@link ConsumerCustomizer}; {@link ExactlyOnce} for the handlers.
 *   <li>The OpenTelemetry SDK from the {@code OTEL_*} variables when they name a traces exporter
 *       ({@link Telemetry}): Spring's own HTTP instrumentation makes the SERVER spans, the
 *       starter's publishers and consumers the messaging spans, in one trace.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:evently-service.properties")
@Import({ApiErrors.class})
public class ServiceSupport {
  /** Handler calls at once per service. */
  static final int CONCURRENCY = 20;
  /**
   * Messages held beyond those being handled: a few rounds of the handlers. After a crash, held
   * messages come back only after the visibility timeout, so a service holds no more than it needs.
   */
  static final int PREFETCH = 40;
  /** How long stopping waits for running handlers (within the 30 s shutdown phase). */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Runs the service {@code application} reading {@code name}{@code .properties} (its own file, so
   * that services started in one JVM, as in tests, each read theirs), with {@code properties} above
   * every other property source (as command-line arguments are) and {@code args}. Spring's tracing
   * (the HTTP server spans) is on only when {@link Telemetry} is: with no traces exporter there is
   * no tracer at all.
   */
  public static ConfigurableApplicationContext run(
      Class<?> application, String name, Map<String, Object> properties, String... args) {
    SpringApplication spring = new SpringApplication(application);
    boolean tracing = Telemetry.enabled(System::getenv);
    spring.setDefaultProperties(Map.of(
        "spring.config.name", name,
        "management.tracing.enabled", tracing,
        "management.tracing.export.enabled", tracing));
    List<String> all = new ArrayList<>();
    properties.forEach((key, value) -> all.add("--" + key + "=" + value));
    all.addAll(List.of(args));
    return spring.run(all.toArray(String[]::new));
  }

  /** Event types registering each record class under its type name (e.g. {@code SagaEvents.TYPES}). */
  public static EventTypes eventTypes(Map<String, Class<? extends Record>> recordClassesByName) {
    EventTypes.Builder builder = EventTypes.builder();
    recordClassesByName.forEach(builder::register);
    return builder.build();
  }

  /** The library's outbox and dedup tables, migrated (own Flyway history) before handlers run. */
  public static final class EventlySchema {
    private EventlySchema() {}
  }

  /**
   * Boot's HikariCP pool on {@code spring.datasource.url} ({@code DATABASE_URL}), made durable.
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
   * The library's tables: with the starter's outbox ({@code evently.outbox.enabled}) its
   * auto-configuration has migrated them (outbox and dedup table) already; without it (a service
   * that only consumes) they are migrated here.
   */
  @Bean
  EventlySchema eventlySchema(DataSource dataSource, ObjectProvider<Outbox> outbox) {
    if (outbox.getIfAvailable() == null) {
      EventlyMigrations.migrate(dataSource);
    }
    return new EventlySchema();
  }

  @Bean
  ExactlyOnce exactlyOnce(DataSource dataSource, EventlySchema migrated,
      @Value("${spring.application.name}") String service) {
    return new ExactlyOnce(dataSource, service);
  }

  /**
   * The breaker of the service's database, fed by its consumer's handlers: opens when at least
   * half of the last 10 handler calls (5 at least) failed because the database was unreachable;
   * then the consumer stops receiving, and once 5 s have passed it pings the database every
   * second; when the ping answers, 3 messages are tried before full speed. With the topology's
   * maxReceiveCount of 5, a message spends at most 1 receive per outage on a failed attempt
   * (the attempt that fails before the breaker opens); held messages spend none. See
   * docs/consumer.md for the arithmetic.
   */
  @Bean
  CircuitBreaker databaseBreaker(@Value("${spring.application.name}") String service) {
    return CircuitBreaker.of(
        service + "-database",
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(3)
            .build());
  }

  /**
   * Every consumer of the service: {@link #CONCURRENCY}, {@link #PREFETCH}, {@link
   * #SHUTDOWN_TIMEOUT} and the database breaker, each unless {@code evently.consumers.<queue>.*}
   * sets its own (the properties are the user's; these are the service's defaults).
   */
  @Bean
  ConsumerCustomizer serviceConsumerTuning(CircuitBreaker databaseBreaker, DataSource dataSource,
      EventlyProperties properties) {
    CircuitBreakerPolicy policy = CircuitBreakerPolicy.of(databaseBreaker).probe(() -> Database.ping(dataSource, 2));
    return (queue, builder) -> {
      EventlyProperties.Consumer own = properties.consumers().get(queue);
      if (own == null || own.concurrency() == null) {
        builder.concurrency(CONCURRENCY);
      }
      if (own == null || own.prefetch() == null) {
        builder.prefetch(PREFETCH);
      }
      if (own == null || own.shutdownTimeout() == null) {
        builder.shutdownTimeout(SHUTDOWN_TIMEOUT);
      }
      if (own == null || own.circuitBreaker() == null) {
        builder.circuitBreaker(policy);
      }
    };
  }

  @Bean
  Health health(DataSource dataSource, EventlyConsumers consumers, ObjectProvider<SqsAsyncClient> sqs,
      ObjectProvider<SnsAsyncClient> sns, EventPublishers publishers, CircuitBreaker databaseBreaker,
      @Value("${service.consume-queue}") String queue,
      @Value("${service.publisher:}") String publisher) {
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> Database.ping(dataSource, 2));
    java.util.concurrent.atomic.AtomicReference<String> queueUrl = new java.util.concurrent.atomic.AtomicReference<>();
    checks.put("queue", () -> {
      SqsAsyncClient client = sqs.getObject();
      if (queueUrl.get() == null) { // looked up once; then one call per check
        queueUrl.set(client.getQueueUrl(r -> r.queueName(queue)).get(3, TimeUnit.SECONDS).queueUrl());
      }
      client.getQueueAttributes(r -> r.queueUrl(queueUrl.get()).attributeNames(QueueAttributeName.QUEUE_ARN))
          .get(3, TimeUnit.SECONDS);
    });
    if (!publisher.isBlank()) {
      String topicArn = publishers.get(publisher).topicArn(); // resolved at start: a missing topic stops it
      checks.put("topic", () -> sns.getObject().getTopicAttributes(r -> r.topicArn(topicArn)).get(3, TimeUnit.SECONDS));
    }
    checks.put("consumer", () -> {
      SqsConsumer consumer = consumers.consumers().get(queue);
      if (consumer == null || !consumer.isRunning()) {
        throw new IllegalStateException("not running");
      }
    });
    checks.put("breaker", () -> {
      CircuitBreaker.State state = databaseBreaker.getState();
      if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
        throw new IllegalStateException(state + ": consumer paused until the database answers");
      }
    });
    return new Health(checks, Set.of("consumer"));
  }

  /** Tomcat's own error answers (before Spring sees a request) as JSON: {@link JsonErrorValve}. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonTomcatErrors() {
    return factory -> factory.addContextCustomizers(
        context -> ((StandardHost) context.getParent()).setErrorReportValveClass(JsonErrorValve.class.getName()));
  }

  @Bean
  HealthEndpoint healthEndpoint(Health health) {
    return new HealthEndpoint(health);
  }

  /** The OpenTelemetry SDK, only when {@code OTEL_TRACES_EXPORTER} names an exporter. */
  @Bean(destroyMethod = "close")
  @Conditional(Telemetry.Enabled.class)
  Telemetry telemetry(@Value("${spring.application.name}") String service) {
    return Telemetry.open(service, System::getenv);
  }

  /**
   * The SDK of {@link #telemetry} when tracing is on, else a no-op: Spring's HTTP instrumentation
   * (Micrometer Observation, bridged to OpenTelemetry) and the starter's publishers and consumers
   * all trace through this one, and nothing else builds an SDK.
   */
  @Bean
  OpenTelemetry openTelemetry(ObjectProvider<Telemetry> telemetry) {
    Telemetry configured = telemetry.getIfAvailable();
    return configured == null ? OpenTelemetry.noop() : configured.openTelemetry();
  }

  /**
   * Spring MVC's server observations (the {@code http.server.requests} metric and the SERVER span)
   * with the span named as OpenTelemetry's HTTP conventions name it: {@code POST /orders}, the
   * method and the route, not Micrometer's {@code http post /orders}.
   */
  @Bean
  ServerRequestObservationConvention serverRequestObservationConvention() {
    return new DefaultServerRequestObservationConvention() {
      @Override
      public String getContextualName(ServerRequestObservationContext context) {
        String route = context.getPathPattern();
        String method = context.getCarrier().getMethod();
        return route == null ? method : method + " " + route;
      }
    };
  }
}
