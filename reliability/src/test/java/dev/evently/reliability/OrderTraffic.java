package dev.evently.reliability;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Places orders over HTTP at a steady rate from a few client threads, as shoppers would: random
 * customers (1% unknown ones), random totals, and one order in ten cancelled right after it was
 * accepted. Every order carries its own {@code Idempotency-Key}, so a client that does not learn
 * the outcome retries with the same key until it does, as a real client would: after a 5xx (e.g.
 * the database broke during the commit), after a connection cut mid-request (the order may or may
 * not exist), and when it cannot connect (the service is restarting). The service creates the
 * order at most once and answers a retry with the original order. Counts what the service
 * accepted (202), refused (4xx), the requests that first failed or were cut (then retried), and
 * those still unresolved when the client gave up (90 s). Thread-safe.
 */
final class OrderTraffic implements AutoCloseable {
  /** An order the service accepted. */
  record Placed(String orderId, String customerId, BigDecimal total) {}

  private final SagaSystem system;
  private final List<String> customerIds;
  private final ExecutorService clients;
  private final ConcurrentLinkedQueue<Placed> accepted = new ConcurrentLinkedQueue<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger ambiguous = new AtomicInteger();
  private final AtomicInteger unresolved = new AtomicInteger();
  private final AtomicInteger cancelRequests = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger reconnects = new AtomicInteger();
  private volatile String lastRefusal;
  private volatile String lastFailure;
  private final int total;
  private final long intervalNanos;
  private final long startNanos;
  private final List<Future<?>> workers;

  private OrderTraffic(SagaSystem system, Map<String, BigDecimal> customers, int total, double perSecond, int threads) {
    this.system = system;
    this.customerIds = List.copyOf(customers.keySet());
    this.total = total;
    this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.clients = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "order-traffic");
      t.setDaemon(true);
      return t;
    });
    this.startNanos = System.nanoTime();
    this.workers = java.util.stream.IntStream.range(0, threads).<Future<?>>mapToObj(i -> clients.submit(this::run)).toList();
  }

  /** Starts placing {@code total} orders at {@code perSecond} from {@code threads} clients. */
  static OrderTraffic start(SagaSystem system, Map<String, BigDecimal> customers, int total, double perSecond, int threads) {
    return new OrderTraffic(system, customers, total, perSecond, threads);
  }

  private void run() {
    int i;
    while ((i = issued.getAndIncrement()) < total) {
      long due = startNanos + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing the load, not synchronizing
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      placeOne();
      completed.incrementAndGet();
    }
  }

  private void placeOne() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String customer = random.nextInt(100) == 0 ? UUID.randomUUID().toString() : customerIds.get(random.nextInt(customerIds.size()));
    BigDecimal amount = BigDecimal.valueOf(1000 + random.nextInt(29_000), 2);
    String key = UUID.randomUUID().toString();
    Http.Reply reply = system.placeOrder(customer, amount, key);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    boolean cut = false;
    boolean serverError = false;
    while (reply.notConnected() || reply.transportFailed() || reply.status() >= 500) {
      if (reply.notConnected()) {
        reconnects.incrementAndGet(); // the service is down (restarting): the request never reached it
      } else if (reply.transportFailed()) {
        cut = true; // cut mid-request: the order may exist; the same key makes the retry safe
      } else {
        serverError = true; // e.g. the database broke mid-commit: the order may exist
        lastFailure = reply.status() + " " + reply.body();
      }
      if (System.nanoTime() >= giveUp) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      reply = system.placeOrder(customer, amount, key);
    }
    if (cut) {
      ambiguous.incrementAndGet();
    }
    if (serverError) {
      failed.incrementAndGet();
    }
    if (reply.notConnected() || reply.transportFailed() || reply.status() >= 500) {
      unresolved.incrementAndGet();
      return;
    }
    if (reply.status() != 202) {
      refused.incrementAndGet();
      lastRefusal = reply.status() + " " + reply.body();
      return;
    }
    String orderId = reply.json().get("orderId").asText();
    accepted.add(new Placed(orderId, customer, amount));
    if (random.nextInt(10) == 0) {
      cancelRequests.incrementAndGet();
      system.cancelOrder(orderId); // any outcome is valid: the audit checks the end state
    }
  }

  /** Orders requested so far (finished requests). */
  int completed() {
    return completed.get();
  }

  boolean done() {
    return workers.stream().allMatch(Future::isDone);
  }

  /** Waits for the last request and returns the figures. */
  Result finish() {
    for (Future<?> w : workers) {
      try {
        w.get(30, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("order traffic failed", e);
      }
    }
    clients.shutdown();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return new Result(List.copyOf(accepted), refused.get(), failed.get(), ambiguous.get(), unresolved.get(),
        cancelRequests.get(), reconnects.get(), seconds, lastRefusal, lastFailure);
  }

  /**
   * What the clients saw. {@code failed}: orders whose request was answered 5xx at least once;
   * {@code ambiguous}: orders whose request was cut mid-flight at least once (both then retried
   * with the same key); {@code unresolved}: orders whose outcome the client never learned.
   */
  record Result(List<Placed> accepted, int refused, int failed, int ambiguous, int unresolved, int cancelRequests,
      int reconnects, double seconds, String lastRefusal, String lastFailure) {
    /** Orders whose outcome the client cannot know: still failing or cut when it gave up. */
    int unknownOutcome() {
      return unresolved;
    }
  }

  @Override
  public void close() {
    clients.shutdownNow();
  }
}
