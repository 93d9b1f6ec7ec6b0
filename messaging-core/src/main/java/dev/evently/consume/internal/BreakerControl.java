package dev.evently.consume.internal;

import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.internal.Threads;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the consumer follow its circuit breaker: open stops receiving and starting handlers
 * (held messages stay held under the heartbeat); after the breaker's wait, the optional probe
 * checks the dependency (on its own thread, every probe interval, until it answers) and only then
 * the breaker goes half-open; half-open lets the held messages, or a few newly received ones, be
 * the trial calls; closed runs everything again. Each transition is logged once.
 */
public final class BreakerControl {
  private static final Logger LOG = LoggerFactory.getLogger(BreakerControl.class);

  private final CircuitBreakerPolicy policy;
  private final CircuitBreaker breaker;
  private final Receiver receiver;
  private final Dispatcher dispatcher;
  private final ScheduledExecutorService scheduler;
  private final String consumer;
  private final ExecutorService prober;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long openedAtNanos = System.nanoTime();
  private volatile boolean closed;

  public BreakerControl(
      CircuitBreakerPolicy policy,
      Receiver receiver,
      Dispatcher dispatcher,
      ScheduledExecutorService scheduler,
      String consumer) {
    this.policy = policy;
    this.breaker = policy.breaker();
    this.receiver = receiver;
    this.dispatcher = dispatcher;
    this.scheduler = scheduler;
    this.consumer = consumer;
    this.prober =
        policy.probe() == null
            ? null
            : Executors.newSingleThreadExecutor(Threads.daemon("evently-" + consumer + "-probe"));
  }

  /** Subscribes to the breaker and follows its current state. */
  public void start() {
    breaker.getEventPublisher().onStateTransition(this::onTransition);
    long every = policy.probeInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    apply(breaker.getState());
  }

  public void close() {
    closed = true;
    if (prober != null) {
      prober.shutdownNow();
    }
  }

  /** 0 closed (or disabled), 1 open, 2 half-open: for the gauge. */
  public int stateCode() {
    State s = breaker.getState();
    return s == State.OPEN || s == State.FORCED_OPEN ? 1 : s == State.HALF_OPEN ? 2 : 0;
  }

  private void onTransition(CircuitBreakerOnStateTransitionEvent event) {
    if (closed) {
      return;
    }
    State to = event.getStateTransition().getToState();
    if (to == State.OPEN || to == State.FORCED_OPEN) {
      openedAtNanos = System.nanoTime();
    }
    LOG.warn(
        "consumer '{}': circuit breaker '{}' {}: {} ({} messages held)",
        consumer,
        breaker.getName(),
        event.getStateTransition(),
        describe(to),
        dispatcher.waiting());
    apply(to);
  }

  private String describe(State to) {
    if (to == State.OPEN || to == State.FORCED_OPEN) {
      return "receiving stopped";
    }
    if (to == State.HALF_OPEN) {
      return "trying a few messages";
    }
    return "receiving again";
  }

  private void apply(State state) {
    if (closed) {
      return;
    }
    switch (state) {
      case OPEN, FORCED_OPEN -> {
        receiver.pause();
        dispatcher.pause();
      }
      case HALF_OPEN -> {
        dispatcher.resume();
        if (dispatcher.waiting() == 0) {
          receiver.resume(); // nothing held to try: a few new messages are the trial calls
        } else {
          receiver.pause();
        }
      }
      default -> {
        receiver.resume();
        dispatcher.resume();
      }
    }
  }

  /** Every probe interval: start the probe (or the half-open trial) once the wait is over, and mend a missed resume. */
  private void tick() {
    if (closed) {
      return;
    }
    try {
      State state = breaker.getState();
      if (state == State.OPEN) {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos);
        long wait = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
        if (waited < wait) {
          return;
        }
        if (prober == null) {
          if (breaker.tryAcquirePermission()) { // moves the breaker to half-open; the trial calls are messages
            breaker.releasePermission();
          }
        } else if (probing.compareAndSet(false, true)) {
          prober.execute(this::probe);
        }
      } else if (state == State.CLOSED && (receiver.isPaused() || dispatcher.isPaused())) {
        apply(state); // a handler held a message back just as the breaker closed
      } else if (state == State.HALF_OPEN && dispatcher.isPaused()) {
        apply(state);
      }
    } catch (RejectedExecutionException e) {
      probing.set(false);
    } catch (RuntimeException e) {
      LOG.warn("consumer '{}': circuit breaker check failed", consumer, e);
    }
  }

  private void probe() {
    try {
      policy.probe().check();
      if (!closed && breaker.getState() == State.OPEN) {
        LOG.info("consumer '{}': probe of circuit breaker '{}' succeeded", consumer, breaker.getName());
        try {
          breaker.transitionToHalfOpenState();
        } catch (RuntimeException e) { // another consumer of a shared breaker moved it first
          LOG.debug("consumer '{}': breaker '{}' already left open: {}", consumer, breaker.getName(), e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("consumer '{}': probe of circuit breaker '{}' failed: {}", consumer, breaker.getName(), e.toString());
    } finally {
      probing.set(false);
    }
  }
}
