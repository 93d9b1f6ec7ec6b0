package dev.evently.consume;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * How a consumer behaves when a dependency of its handlers is down: a resilience4j {@link
 * CircuitBreaker} (shared by the consumers of one dependency if you like) fed with the handler
 * failures that are <em>systemic</em> (the dependency is down: every message would fail) as
 * opposed to failures of one message (a bug, bad data: retried and dead-lettered as usual).
 *
 * <pre>{@code
 * CircuitBreaker database = CircuitBreaker.of("customer-db", CircuitBreakerConfig.custom()
 *     .failureRateThreshold(50).minimumNumberOfCalls(5).slidingWindowSize(20)
 *     .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(3).build());
 * SqsConsumer.builder()...
 *     .circuitBreaker(CircuitBreakerPolicy.of(database)
 *         .probe(() -> { try (Connection c = dataSource.getConnection()) { c.isValid(2); } }))
 * }</pre>
 *
 * <ul>
 *   <li><b>Closed</b>: handlers run; each call's outcome is recorded (systemic failures as errors,
 *       other failures not at all). A message that failed systemically is retried with its backoff
 *       like any failure.
 *   <li><b>Open</b>: the consumer issues no ReceiveMessage call; messages it already holds stay
 *       held (their visibility extended by the heartbeat) instead of being given back, and a message
 *       whose handler failed systemically once the breaker is open is held too: none of them spends
 *       another receive, and nothing is dead-lettered because of the outage. (On a FIFO queue such a
 *       message is made visible again after the breaker's wait instead.)
 *   <li><b>Half-open</b>: with a {@link #probe(Probe) probe}, the consumer checks the dependency
 *       every {@link #probeInterval(Duration) probe interval} and lets messages through only once it
 *       answers; without one, the held messages (or, if none, newly received ones) are the trial
 *       calls, up to the breaker's permitted calls in half-open state. Then back to closed (full
 *       concurrency) or open.
 *   <li>Poison is never held: undecodable messages and {@link NonRetryableException}s go to the
 *       dead-letter queue as usual, in every state.
 * </ul>
 *
 * Immutable; the {@code with}-style methods return a new policy.
 */
public final class CircuitBreakerPolicy {
  /** A check of the dependency; throwing means it is still down. */
  @FunctionalInterface
  public interface Probe {
    void check() throws Exception;
  }

  private final CircuitBreaker breaker;
  private final List<Predicate<Throwable>> systemic;
  private final Probe probe;
  private final Duration probeInterval;

  private CircuitBreakerPolicy(
      CircuitBreaker breaker, List<Predicate<Throwable>> systemic, Probe probe, Duration probeInterval) {
    this.breaker = breaker;
    this.systemic = List.copyOf(systemic);
    this.probe = probe;
    this.probeInterval = probeInterval;
  }

  /** A policy over {@code breaker} with the default systemic failures ({@link #isSystemicByDefault}) and no probe. */
  public static CircuitBreakerPolicy of(CircuitBreaker breaker) {
    if (breaker == null) {
      throw new IllegalArgumentException("breaker must not be null");
    }
    return new CircuitBreakerPolicy(
        breaker, List.of(CircuitBreakerPolicy::isSystemicByDefault), null, Duration.ofSeconds(1));
  }

  /** Also counts these exception types (anywhere in the cause chain) as systemic. */
  @SafeVarargs
  public final CircuitBreakerPolicy systemic(Class<? extends Throwable>... types) {
    List<Class<? extends Throwable>> list = List.of(types);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("types must not be empty");
    }
    return systemicWhen(t -> list.stream().anyMatch(type -> type.isInstance(t)));
  }

  /** Also counts a failure as systemic when {@code predicate} holds for it or one of its causes. */
  public CircuitBreakerPolicy systemicWhen(Predicate<Throwable> predicate) {
    if (predicate == null) {
      throw new IllegalArgumentException("predicate must not be null");
    }
    List<Predicate<Throwable>> more = new ArrayList<>(systemic);
    more.add(predicate);
    return new CircuitBreakerPolicy(breaker, more, probe, probeInterval);
  }

  /** Checks the dependency while the breaker is open, instead of trying messages on it. */
  public CircuitBreakerPolicy probe(Probe newProbe) {
    if (newProbe == null) {
      throw new IllegalArgumentException("probe must not be null");
    }
    return new CircuitBreakerPolicy(breaker, systemic, newProbe, probeInterval);
  }

  /** How often an open breaker is looked at (and probed once its wait is over); 100 ms to 1 min, default 1 s. */
  public CircuitBreakerPolicy probeInterval(Duration interval) {
    if (interval == null || interval.toMillis() < 100 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("probeInterval must be between 100 ms and 1 min");
    }
    return new CircuitBreakerPolicy(breaker, systemic, probe, interval);
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** The probe, or null. */
  public Probe probe() {
    return probe;
  }

  public Duration probeInterval() {
    return probeInterval;
  }

  /** True when {@code failure} or one of its causes is systemic for this policy. */
  public boolean isSystemic(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Predicate<Throwable> p : systemic) {
        if (p.test(t)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The default systemic failures (one throwable, not its causes): {@link SQLTransientException}
   * (e.g. a pool's connection timeout), {@link SQLNonTransientConnectionException}, {@link
   * SQLRecoverableException}, an {@link SQLException} whose SQLState is in class 08 (connection
   * exception), {@link SocketException} (refused, reset), {@link UnknownHostException}, a socket or
   * HTTP timeout ({@link InterruptedIOException}, {@link HttpTimeoutException}) and {@link
   * TimeoutException}.
   */
  public static boolean isSystemicByDefault(Throwable t) {
    Objects.requireNonNull(t, "t");
    if (t instanceof SQLTransientException
        || t instanceof SQLNonTransientConnectionException
        || t instanceof SQLRecoverableException) {
      return true;
    }
    if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return true;
    }
    return t instanceof SocketException
        || t instanceof UnknownHostException
        || t instanceof InterruptedIOException
        || t instanceof HttpTimeoutException
        || t instanceof TimeoutException;
  }
}
