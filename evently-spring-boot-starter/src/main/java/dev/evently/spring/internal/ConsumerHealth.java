package dev.evently.spring.internal;

import dev.evently.consume.SqsConsumer;
import dev.evently.spring.EventlyConsumers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One health indicator per consumer, by queue name. A consumer is UP while it runs and its latest
 * receive call succeeded; DOWN when it is not running (not started, stopped, or its start failed)
 * or SQS cannot be reached (it keeps retrying). Details: running, held messages, concurrency,
 * prefetch, and the circuit breaker's state when one is configured (an OPEN breaker pauses the
 * consumer on purpose while a dependency is down: the consumer stays UP, the dependency's own
 * indicator tells). Never a message body.
 */
public final class ConsumerHealth implements CompositeHealthContributor {
  private final EventlyConsumers consumers;

  public ConsumerHealth(EventlyConsumers consumers) {
    this.consumers = consumers;
  }

  @Override
  public HealthContributor getContributor(String name) {
    SqsConsumer consumer = consumers.consumers().get(name);
    return consumer == null ? null : indicator(name, consumer);
  }

  @Override
  public Stream<Entry> stream() {
    return new TreeMap<>(consumers.consumers()).entrySet().stream()
        .map(e -> new Entry(e.getKey(), indicator(e.getKey(), e.getValue())));
  }

  private HealthIndicator indicator(String queue, SqsConsumer consumer) {
    return () -> health(consumer, consumers.circuitBreaker(queue));
  }

  static Health health(SqsConsumer consumer, Optional<CircuitBreaker> breaker) {
    boolean running = consumer.isRunning();
    Optional<Throwable> error = consumer.lastReceiveError();
    Health.Builder health = running && error.isEmpty() ? Health.up() : Health.down();
    health.withDetail("running", running)
        .withDetail("held", consumer.held())
        .withDetail("concurrency", consumer.concurrency())
        .withDetail("prefetch", consumer.prefetch());
    error.ifPresent(e -> health.withDetail("receiveError", e.getClass().getName()));
    breaker.ifPresent(b -> health.withDetail("circuitBreaker", Map.of("name", b.getName(), "state", b.getState().name())));
    return health.build();
  }
}
