package dev.evently.service;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.EventHandler;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.SqsConsumer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import dev.evently.event.EventCodec;
import dev.evently.idempotency.JdbcIdempotentHandler;
import dev.evently.idempotency.TransactionalEventHandler;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.outbox.Outbox;
import dev.evently.payload.PayloadStore;
import dev.evently.s3.S3PayloadStore;
import dev.evently.outbox.OutboxRelay;
import dev.evently.publish.SnsPublisher;
import dev.evently.retry.Backoff;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The plumbing both reference services share, started in two steps.
 *
 * <p>{@link #open}: metrics; SNS/SQS clients; the topology verified by name (never created: a
 * missing topic or queue fails start-up with a {@link Topology.MissingTopologyException} naming
 * it); the database pool and its migrations (the library's outbox and dedup tables, then the
 * service's own); the outbox, its SNS publisher and relay. The service then builds its domain on
 * {@link #dataSource()} and {@link #outbox()}, and calls {@link #serve} to start the HTTP API
 * (with {@code /health} and {@code /metrics}) and the queue consumer.
 *
 * <p>{@link #close()} (also run on SIGTERM) stops the consumer (in-flight handlers finish and are
 * acknowledged), the HTTP server, then the relay after a last flush of the outbox, the publisher,
 * the pool and the clients it built.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);
  private static final Duration FLUSH_LIMIT = Duration.ofSeconds(5);

  private final ServiceSettings settings;
  private final Lifecycle lifecycle = new Lifecycle();
  private final PrometheusMeterRegistry meters;
  private final SnsAsyncClient sns;
  private final SqsAsyncClient sqs;
  private final Topology topology;
  private final HikariDataSource dataSource;
  private final EventCodec codec;
  private final Outbox outbox;
  private final Telemetry telemetry;
  private final PayloadStore payloadStore;
  private HttpApi http;
  private SqsConsumer consumer;

  private ServiceRuntime(ServiceSettings settings) {
    String databaseUrl = Database.durable(settings.databaseUrl(), "DATABASE_URL"); // refused before anything starts
    this.settings = settings;
    this.meters = Metrics.registry(settings.service());
    try {
      this.telemetry = lifecycle.register("telemetry", Telemetry.open(settings.service(), System::getenv));
      this.sns = settings.sns() != null ? settings.sns() : lifecycle.register("sns client", SnsAsyncClient.create());
      this.sqs = settings.sqs() != null ? settings.sqs() : lifecycle.register("sqs client", SqsAsyncClient.create());
      this.payloadStore = payloadStore(System.getenv("PAYLOADS_BUCKET"));
      this.topology =
          Topology.resolve(sns, sqs, List.of(settings.publishTopic()), List.of(settings.consumeQueue()));
      this.dataSource =
          lifecycle.register("database", Database.open(databaseUrl, settings.service(), 20));
      EventlyMigrations.migrate(dataSource);
      Database.migrate(dataSource, settings.migrations(), settings.service().replace('-', '_') + "_schema_history");
      this.codec = EventCodec.of(settings.types());
      this.outbox = Outbox.builder().codec(codec).build();
      SnsPublisher publisher =
          lifecycle.register(
              "publisher",
              claimCheck(traced(SnsPublisher.builder()))
                  .client(sns)
                  .topic(topology.topicArn(settings.publishTopic()))
                  .codec(codec)
                  .meterRegistry(meters)
                  .build());
      OutboxRelay relay =
          OutboxRelay.builder()
              .dataSource(dataSource)
              .outbox(outbox)
              .publishers(Map.of(settings.publishTopic(), publisher))
              .pollInterval(Duration.ofMillis(10), Duration.ofMillis(250))
              .retryBackoff(Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30)))
              .meterRegistry(meters)
              .build();
      lifecycle.register("outbox relay", () -> closeAndFlush(relay));
      relay.start();
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
  }

  /**
   * The S3 claim-check when {@code PAYLOADS_BUCKET} names a bucket ({@code infra}'s {@code
   * payloads:}): the relay's publisher stores events over the topic's size there and publishes a
   * pointer, and the consumer resolves pointers from that bucket only. Null (no claim-check) when
   * unset. Path-style S3 when {@code AWS_ENDPOINT_URL} is set (moto, LocalStack).
   */
  private PayloadStore payloadStore(String bucket) {
    if (bucket == null || bucket.isBlank()) {
      return null;
    }
    S3AsyncClient s3 = lifecycle.register("s3 client",
        S3AsyncClient.builder().forcePathStyle(System.getenv("AWS_ENDPOINT_URL") != null).build());
    try {
      return S3PayloadStore.builder().client(s3).bucket(bucket.trim()).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PAYLOADS_BUCKET: " + e.getMessage(), e);
    }
  }

  /** Verifies the topology, opens and migrates the database, starts the outbox relay. */
  public static ServiceRuntime open(ServiceSettings settings) {
    return new ServiceRuntime(settings);
  }

  /** Builds a service's domain on an opened runtime and calls {@link #serve}. */
  @FunctionalInterface
  public interface Wiring {
    ServiceRuntime wire(ServiceRuntime runtime) throws IOException;
  }

  /**
   * {@link #open}s a runtime and lets {@code wiring} serve on it; closes everything if either
   * fails. Close the returned runtime to stop the service.
   */
  public static ServiceRuntime start(ServiceSettings settings, Wiring wiring) throws IOException {
    ServiceRuntime runtime = open(settings);
    try {
      return wiring.wire(runtime);
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** The transactional outbox, as an {@link EventSink}. */
  public EventSink outbox() {
    return outbox::publish;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** The topic this service publishes to (its configured name). */
  public String publishTopic() {
    return settings.publishTopic();
  }

  /**
   * {@code handler} run exactly once per event id: in one transaction with the event's dedup row
   * (and whatever it writes to the outbox).
   */
  public <T> EventHandler<T> exactlyOnce(TransactionalEventHandler<T> handler) {
    EventHandler<T> idempotent = JdbcIdempotentHandler.of(dataSource, settings.service(), handler);
    return event -> {
      try {
        idempotent.handle(event);
      } catch (Exception e) {
        log.warn("{} {} failed, it will be redelivered: {}", event.type(), event.id(), e.toString());
        throw e;
      }
    };
  }

  /**
   * Starts the HTTP API ({@code routes} plus {@code /health} and {@code /metrics}) and the
   * consumer of the service's queue ({@code handlers} registers the event handlers).
   */
  public synchronized ServiceRuntime serve(
      UnaryOperator<HttpApi.Builder> routes, UnaryOperator<SqsConsumer.Builder> handlers) throws IOException {
    String queueUrl = topology.queueUrl(settings.consumeQueue());
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("database", () -> Database.ping(dataSource, 2));
    checks.put(
        "queue",
        () ->
            sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .get(3, TimeUnit.SECONDS));
    String topicArn = topology.topicArn(settings.publishTopic());
    checks.put("topic", () -> sns.getTopicAttributes(r -> r.topicArn(topicArn)).get(3, TimeUnit.SECONDS));
    checks.put(
        "consumer",
        () -> {
          if (consumer == null || !consumer.isRunning()) {
            throw new IllegalStateException("not running");
          }
        });
    CircuitBreaker database = databaseBreaker(settings.service());
    checks.put(
        "breaker",
        () -> {
          CircuitBreaker.State state = database.getState();
          if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            throw new IllegalStateException(state + ": consumer paused until the database answers");
          }
        });
    Health health = new Health(checks, Set.of("consumer"));
    http =
        lifecycle.register(
            "http",
            routes
                .apply(traced(HttpApi.builder().port(settings.httpPort()).meters(meters)))
                .route("GET", "/health", health.liveness())
                .route("GET", "/health/ready", health)
                .route("GET", "/metrics", Metrics.endpoint(meters))
                .start());
    consumer =
        handlers
            .apply(
                claimCheck(traced(SqsConsumer.builder()))
                    .client(sqs)
                    .queueName(settings.consumeQueue())
                    .name(settings.service())
                    .codec(codec)
                    .concurrency(20)
                    // a few rounds of the handlers: after a crash, held messages come back only
                    // after the visibility timeout, so a service holds no more than it needs
                    .prefetch(40)
                    .circuitBreaker(
                        CircuitBreakerPolicy.of(database).probe(() -> Database.ping(dataSource, 2)))
                    .waitTime(settings.receiveWait())
                    .shutdownTimeout(Duration.ofSeconds(20))
                    .meterRegistry(meters))
            .build();
    lifecycle.register("consumer", consumer);
    consumer.start();
    log.info(
        "{} listening on port {}, consuming {}, publishing to {}",
        settings.service(),
        http.port(),
        settings.consumeQueue(),
        settings.publishTopic());
    return this;
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
  static CircuitBreaker databaseBreaker(String service) {
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

  private HttpApi.Builder traced(HttpApi.Builder http) {
    return telemetry.openTelemetry() == null ? http : http.openTelemetry(telemetry.openTelemetry());
  }

  private SnsPublisher.Builder traced(SnsPublisher.Builder publisher) {
    return telemetry.openTelemetry() == null ? publisher : publisher.openTelemetry(telemetry.openTelemetry());
  }

  private SnsPublisher.Builder claimCheck(SnsPublisher.Builder publisher) {
    return payloadStore == null ? publisher : publisher.payloadStore(payloadStore);
  }

  private SqsConsumer.Builder claimCheck(SqsConsumer.Builder consumer) {
    return payloadStore == null ? consumer : consumer.payloadStore(payloadStore);
  }

  private SqsConsumer.Builder traced(SqsConsumer.Builder consumer) {
    return telemetry.openTelemetry() == null ? consumer : consumer.openTelemetry(telemetry.openTelemetry());
  }

  /** The HTTP port (after {@link #serve}). */
  public int port() {
    if (http == null) {
      throw new IllegalStateException("not serving yet");
    }
    return http.port();
  }

  /** Closes everything on SIGTERM (and normal JVM exit). */
  public ServiceRuntime closeOnShutdown() {
    lifecycle.closeOnShutdown(settings.service());
    return this;
  }

  @Override
  public void close() {
    lifecycle.close();
  }

  private static void closeAndFlush(OutboxRelay relay) {
    relay.close();
    long deadline = System.nanoTime() + FLUSH_LIMIT.toNanos();
    while (System.nanoTime() < deadline && relay.relayOnce() > 0) {
      // publish what the last handlers wrote
    }
  }
}
