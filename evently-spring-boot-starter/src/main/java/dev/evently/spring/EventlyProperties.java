package dev.evently.spring;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code evently.*} properties. Every value is checked when it is bound, so a bad one stops the
 * application at start with a message naming the property ({@code evently.consumers.orders.concurrency
 * must be between 1 and 10000}) and never its value. Unset options take the library's defaults.
 *
 * @param aws where the auto-configured SNS and SQS clients connect
 * @param source the CloudEvents {@code source} of events the starter creates from plain data
 *     ({@link TransactionalOutbox#publish(String, Object)}); default {@code spring.application.name}
 * @param eventPackages where {@link EventType} records are looked for; default the application's
 *     package (that of its {@code @SpringBootApplication})
 * @param publishers one SNS publisher per entry, by a logical name of the application's choosing
 * @param consumers options of the consumer of each queue, by queue name (keys are queue names as
 *     in {@link EventlyHandler#queue()})
 * @param outbox the transactional outbox and its relay
 * @param payloads the S3 claim-check for large events ({@link EventlyPayloadsAutoConfiguration})
 */
@ConfigurationProperties(prefix = "evently")
public record EventlyProperties(
    Aws aws,
    String source,
    List<String> eventPackages,
    Map<String, Publisher> publishers,
    Map<String, Consumer> consumers,
    Outbox outbox,
    Payloads payloads) {

  public EventlyProperties {
    aws = aws != null ? aws : new Aws(null, null, null, null);
    eventPackages = eventPackages != null ? List.copyOf(eventPackages) : List.of();
    publishers = publishers != null ? Map.copyOf(publishers) : Map.of();
    consumers = consumers != null ? Map.copyOf(consumers) : Map.of();
    outbox = outbox != null ? outbox : new Outbox(false, null, true, null, null, null, null, null);
    aws.check("evently.aws");
    publishers.forEach((name, p) -> p.check("evently.publishers." + name));
    consumers.forEach((queue, c) -> c.check("evently.consumers." + queue));
    outbox.check("evently.outbox");
    payloads = payloads != null ? payloads : new Payloads(null, null, null);
    payloads.check("evently.payloads");
  }

  /**
   * Endpoint, region and credentials of the SNS and SQS clients; each unset one comes from the AWS
   * SDK's default chain ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, profiles, instance roles).
   *
   * @param endpoint e.g. {@code http://localhost:4566} for LocalStack
   * @param region e.g. {@code eu-west-1}
   * @param accessKeyId static credentials, with {@code secret-access-key}; prefer the default chain
   * @param secretAccessKey never logged nor shown
   */
  public record Aws(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
    void check(String prefix) {
      if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
        throw new IllegalArgumentException(prefix + ".endpoint must be an absolute URL such as http://localhost:4566");
      }
      if (region != null && region.isBlank()) {
        throw new IllegalArgumentException(prefix + ".region must not be blank");
      }
      if ((accessKeyId == null) != (secretAccessKey == null)) {
        throw new IllegalArgumentException(
            prefix + ".access-key-id and " + prefix + ".secret-access-key must be set together");
      }
    }

    @Override
    public String toString() {
      return "Aws[endpoint=" + endpoint + ", region=" + region + ", accessKeyId="
          + (accessKeyId == null ? null : "***") + ", secretAccessKey=" + (secretAccessKey == null ? null : "***") + "]";
    }
  }

  /**
   * One SNS publisher.
   *
   * @param topic the topic's name (resolved to its ARN once at start; it must exist) or its ARN
   * @param linger how long a batch that is not full waits for more events; default 5 ms
   * @param maxBufferedEvents events held without an outcome before publishing fails fast; default 10000
   * @param closeTimeout how long closing waits for outstanding events; default 30 s
   */
  public record Publisher(String topic, Duration linger, Integer maxBufferedEvents, Duration closeTimeout) {
    void check(String prefix) {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException(prefix + ".topic must be set (a topic name or ARN)");
      }
      if (linger != null && (linger.isNegative() || linger.compareTo(Duration.ofMinutes(1)) > 0)) {
        throw new IllegalArgumentException(prefix + ".linger must be between 0 and 1m");
      }
      if (maxBufferedEvents != null && maxBufferedEvents < 1) {
        throw new IllegalArgumentException(prefix + ".max-buffered-events must be >= 1");
      }
      if (closeTimeout != null && closeTimeout.isNegative()) {
        throw new IllegalArgumentException(prefix + ".close-timeout must be >= 0");
      }
    }
  }

  /**
   * The consumer of one queue.
   *
   * @param concurrency handler calls at once, 1 to 10000; default 10
   * @param prefetch messages waiting for a handler, 0 to 10000; default 500
   * @param waitTime the long-poll wait, 0 to 20 s in whole seconds; default 20 s
   * @param visibilityTimeout 1 s to 12 h in whole seconds; default the queue's own
   * @param shutdownTimeout how long stopping waits for running handlers; default {@code
   *     spring.lifecycle.timeout-per-shutdown-phase} less one second
   * @param allowMissingDeadLetterQueue start even without a dead-letter queue; default false
   * @param circuitBreaker the name of a {@code CircuitBreakerPolicy} or resilience4j {@code
   *     CircuitBreaker} bean that pauses the consumer while a dependency is down
   * @param autoStartup whether the consumer starts with the context; default true
   */
  public record Consumer(
      Integer concurrency,
      Integer prefetch,
      Duration waitTime,
      Duration visibilityTimeout,
      Duration shutdownTimeout,
      @DefaultValue("false") boolean allowMissingDeadLetterQueue,
      String circuitBreaker,
      @DefaultValue("true") boolean autoStartup) {
    void check(String prefix) {
      if (concurrency != null && (concurrency < 1 || concurrency > 10_000)) {
        throw new IllegalArgumentException(prefix + ".concurrency must be between 1 and 10000");
      }
      if (prefetch != null && (prefetch < 0 || prefetch > 10_000)) {
        throw new IllegalArgumentException(prefix + ".prefetch must be between 0 and 10000");
      }
      if (waitTime != null
          && (waitTime.isNegative() || waitTime.compareTo(Duration.ofSeconds(20)) > 0 || waitTime.toMillis() % 1000 != 0)) {
        throw new IllegalArgumentException(prefix + ".wait-time must be 0s to 20s in whole seconds");
      }
      if (visibilityTimeout != null
          && (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0
              || visibilityTimeout.compareTo(Duration.ofHours(12)) > 0
              || visibilityTimeout.toMillis() % 1000 != 0)) {
        throw new IllegalArgumentException(prefix + ".visibility-timeout must be 1s to 12h in whole seconds");
      }
      if (shutdownTimeout != null && shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException(prefix + ".shutdown-timeout must be >= 0");
      }
      if (circuitBreaker != null && circuitBreaker.isBlank()) {
        throw new IllegalArgumentException(prefix + ".circuit-breaker must name a bean");
      }
    }
  }

  /**
   * The transactional outbox.
   *
   * @param enabled binds an {@link TransactionalOutbox} to the application's DataSource and runs
   *     the relay; default false
   * @param table the outbox table; default {@code evently_outbox}
   * @param migrate creates or upgrades the library's tables at start (Flyway, own history table);
   *     default true
   * @param batchSize rows per relay transaction, 1 to 10000; default 100
   * @param concurrency batches the relay works on at once, 1 to 16, each on its own connection
   *     (PostgreSQL; H2 always 1); default 2 on PostgreSQL
   * @param pollInterval the longest wait between polls when idle; default 1 s
   * @param retention how long published rows are kept; default 1 day
   * @param flushTimeout how long stopping keeps publishing rows written by the last transactions;
   *     default 5 s
   */
  public record Outbox(
      @DefaultValue("false") boolean enabled,
      String table,
      @DefaultValue("true") boolean migrate,
      Integer batchSize,
      Integer concurrency,
      Duration pollInterval,
      Duration retention,
      Duration flushTimeout) {
    void check(String prefix) {
      if (table != null && !table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
        throw new IllegalArgumentException(prefix + ".table must be a table name, optionally schema-qualified");
      }
      if (batchSize != null && (batchSize < 1 || batchSize > 10_000)) {
        throw new IllegalArgumentException(prefix + ".batch-size must be between 1 and 10000");
      }
      if (concurrency != null && (concurrency < 1 || concurrency > 16)) {
        throw new IllegalArgumentException(prefix + ".concurrency must be between 1 and 16");
      }
      if (pollInterval != null && (pollInterval.toMillis() < 10 || pollInterval.compareTo(Duration.ofMinutes(10)) > 0)) {
        throw new IllegalArgumentException(prefix + ".poll-interval must be between 10ms and 10m");
      }
      if (retention != null && retention.isNegative()) {
        throw new IllegalArgumentException(prefix + ".retention must be >= 0");
      }
      if (flushTimeout != null && flushTimeout.isNegative()) {
        throw new IllegalArgumentException(prefix + ".flush-timeout must be >= 0");
      }
    }
  }

  /**
   * The S3 claim-check for events over a topic's size ({@code docs/LARGE-EVENTS.md}); off unless
   * {@code bucket} is set, and then it needs {@code messaging-s3} on the class path.
   *
   * @param bucket the bucket publishers store large events' bodies in, and consumers read them
   *     from; objects are never deleted by evently (the bucket's lifecycle rule expires them)
   * @param keyPrefix prepended to each object's key (its SHA-256); default none
   * @param readBuckets further buckets consumers may read pointers from (a pointer into any other
   *     bucket is dead-lettered without a read); default none
   */
  public record Payloads(String bucket, String keyPrefix, List<String> readBuckets) {
    public Payloads {
      bucket = bucket == null || bucket.isBlank() ? null : bucket; // blank = unset, e.g. ${PAYLOADS_BUCKET:}
      readBuckets = readBuckets != null ? List.copyOf(readBuckets) : List.of();
    }

    void check(String prefix) {
      if (bucket != null && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException(prefix + ".bucket must be an S3 bucket name (3 to 63 lower-case"
            + " letters, digits, dots and hyphens)");
      }
      if (bucket == null && (keyPrefix != null || !readBuckets.isEmpty())) {
        throw new IllegalArgumentException(prefix + ".key-prefix and " + prefix + ".read-buckets need "
            + prefix + ".bucket");
      }
      for (int i = 0; i < readBuckets.size(); i++) {
        if (readBuckets.get(i) == null || !readBuckets.get(i).matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
          throw new IllegalArgumentException(prefix + ".read-buckets[" + i + "] must be an S3 bucket name");
        }
      }
    }
  }
}
