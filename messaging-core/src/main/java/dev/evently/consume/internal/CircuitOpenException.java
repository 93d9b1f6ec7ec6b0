package dev.evently.consume.internal;

/**
 * Thrown through the middleware chain by the circuit breaker middleware: the handler was not run
 * (no permission), or failed systemically and the breaker is now open. Never seen by user
 * middleware or handlers (the breaker sits outside them).
 */
public final class CircuitOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int waitSeconds;

  /** {@code cause}: the systemic failure, or null when the handler was not run. */
  public CircuitOpenException(String breaker, Throwable cause, int waitSeconds) {
    super("circuit breaker '" + breaker + "' is open", cause, false, false);
    this.waitSeconds = waitSeconds;
  }

  public int waitSeconds() {
    return waitSeconds;
  }
}
