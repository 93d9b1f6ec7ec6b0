package dev.evently.consume;

import dev.evently.event.Event;
import java.util.List;

/**
 * Cross-cutting behaviour around every handler call: logging, metrics, tracing, idempotency,
 * circuit breaking, anything that is not the handler's business. Added with {@link
 * SqsConsumer.Builder#use(Middleware)}; the first added is the outermost. The shape is OkHttp's
 * interceptor: look at the event and its {@link Delivery}, call {@link Chain#proceed()} (at most
 * once) to run the rest of the chain and the handler, and act on what it returns or throws.
 *
 * <pre>{@code
 * Middleware timing = chain -> {
 *   long t0 = System.nanoTime();
 *   try {
 *     chain.proceed();
 *   } finally {
 *     log.info("{} took {} µs", chain.event().type(), (System.nanoTime() - t0) / 1000);
 *   }
 * };
 * }</pre>
 *
 * <p>What a middleware does decides the message's fate exactly as a handler would: returning
 * normally deletes the message (also when it did not call {@code proceed()}, e.g. a duplicate it
 * recognised), throwing retries it, throwing {@link NonRetryableException} dead-letters it.
 * Messages that cannot be decoded never reach middleware: they go to the dead-letter queue first.
 *
 * <p>{@link #handleBatch(BatchChain)} wraps the calls of {@link BatchHandler}s; by default it only
 * proceeds. Middleware is shared by all handler threads and must be thread-safe.
 */
@FunctionalInterface
public interface Middleware {
  /** Wraps the handling of one event. */
  void handle(Chain chain) throws Exception;

  /**
   * Wraps one call of a batch handler. Returning a result with more failures fails those events
   * too; throwing fails every event of the batch. Default: proceed.
   */
  default BatchResult handleBatch(BatchChain chain) throws Exception {
    return chain.proceed();
  }

  /** One event on its way to its handler. */
  interface Chain {
    Event<?> event();

    Delivery delivery();

    /**
     * Runs the rest of the chain and the handler; throws what they throw.
     *
     * @throws IllegalStateException when called a second time
     */
    void proceed() throws Exception;
  }

  /** One batch on its way to its batch handler; {@code events().get(i)} came in {@code deliveries().get(i)}. */
  interface BatchChain {
    List<Event<?>> events();

    List<Delivery> deliveries();

    /**
     * Runs the rest of the chain and the batch handler.
     *
     * @throws IllegalStateException when called a second time
     */
    BatchResult proceed() throws Exception;
  }
}
