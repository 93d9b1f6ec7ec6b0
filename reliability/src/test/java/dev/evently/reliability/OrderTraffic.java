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
 * accepted. Counts what the service accepted (202), refused (4xx), failed (5xx: the order may or
 * may not exist, e.g. when the database broke during the commit) and what is ambiguous (the
 * connection broke mid-request: the order may or may not exist). A request that
 * cannot connect (the service is restarting) never reached it and is retried. Thread-safe.
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
    Http.Reply reply = system.placeOrder(customer, amount);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (reply.notConnected() && System.nanoTime() < giveUp) {
      // the service is down (restarting): the request never reached it, so a client retries
      reconnects.incrementAndGet();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      reply = system.placeOrder(customer, amount);
    }
    if (reply.transportFailed()) {
      ambiguous.incrementAndGet();
      return;
    }
    if (reply.status() >= 500) {
      failed.incrementAndGet(); // e.g. the database broke mid-commit: the outcome is unknown to the client
      lastFailure = reply.status() + " " + reply.body();
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
    return new Result(List.copyOf(accepted), refused.get(), failed.get(), ambiguous.get(), cancelRequests.get(),
        reconnects.get(), seconds, lastRefusal, lastFailure);
  }

  /** What the clients saw. */
  record Result(List<Placed> accepted, int refused, int failed, int ambiguous, int cancelRequests, int reconnects,
      double seconds, String lastRefusal, String lastFailure) {
    /** Requests whose outcome the client cannot know: cut mid-flight, or a server error. */
    int unknownOutcome() {
      return failed + ambiguous;
    }
  }

  @Override
  public void close() {
    clients.shutdownNow();
  }
}
