package dev.evently.consume.internal;

import dev.evently.consume.BatchHandler;
import dev.evently.consume.BatchResult;
import dev.evently.consume.Delivery;
import dev.evently.consume.DeliveryHandler;
import dev.evently.consume.Middleware;
import dev.evently.consume.internal.Decision.Handled;
import dev.evently.event.Event;
import dev.evently.event.EventTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The handler side of the consumer: which handler takes which event type, and the middleware chain
 * (outermost first) that every call goes through. Turns what the chain returns or throws into a
 * {@link Handled} per message; it never touches SQS. Immutable and thread-safe.
 */
public final class Pipeline {
  /** How events of one type are handled. */
  public sealed interface Route permits Single, Batch {}

  /** One event per call. */
  public record Single(DeliveryHandler<Object> handler) implements Route {}

  /** Up to {@code maxSize} events per call. */
  public record Batch(BatchHandler<Object> handler, int maxSize) implements Route {}

  private final Map<String, Route> routes;
  private final List<Middleware> middleware;

  /** {@code middleware} outermost first. */
  public Pipeline(Map<String, Route> routes, List<Middleware> middleware) {
    this.routes = Map.copyOf(routes);
    this.middleware = List.copyOf(middleware);
  }

  /**
   * The routes by event type name, from routes by event class.
   *
   * @throws IllegalArgumentException naming the class when it is not registered in {@code types}
   */
  public static Map<String, Route> routesByType(EventTypes types, Map<Class<?>, Route> byClass) {
    Map<String, Route> byType = new LinkedHashMap<>();
    for (Map.Entry<Class<?>, Route> e : byClass.entrySet()) {
      String type =
          types
              .nameOf(e.getKey())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "handlers: " + e.getKey().getName() + " is not registered in the codec's types"));
      byType.put(type, e.getValue());
    }
    return byType;
  }

  /** The route for an event type, or null when this consumer has no handler for it. */
  public Route route(String type) {
    return routes.get(type);
  }

  /** Runs one message's event through the chain and its handler. */
  public Handled runSingle(InFlightMessage m, Single route) {
    try {
      new SingleChain(0, m.event(), m, route.handler()).proceed();
      return Decision.Succeeded.INSTANCE;
    } catch (Throwable t) {
      return Decision.ofHandlerError(t);
    }
  }

  /** Runs a batch through the chain and its batch handler; one {@link Handled} per message, in order. */
  public List<Handled> runBatch(List<InFlightMessage> batch, Batch route) {
    List<Event<?>> events = new ArrayList<>(batch.size());
    for (InFlightMessage m : batch) {
      events.add(m.event());
    }
    List<Handled> handled = new ArrayList<>(batch.size());
    BatchResult result;
    try {
      result = new BatchChainImpl(0, Collections.unmodifiableList(events), List.copyOf(batch), route.handler()).proceed();
      if (result == null) {
        throw new IllegalStateException("the batch handler returned null instead of a BatchResult");
      }
      requireKnownEvents(result, events);
    } catch (Throwable t) {
      Handled all = Decision.ofHandlerError(t);
      for (int i = 0; i < batch.size(); i++) {
        handled.add(all);
      }
      return handled;
    }
    for (Event<?> e : events) {
      Throwable cause = result.failureOf(e);
      handled.add(cause == null ? Decision.Succeeded.INSTANCE : Decision.ofHandlerError(cause));
    }
    return handled;
  }

  private static void requireKnownEvents(BatchResult result, List<Event<?>> events) {
    if (result.allSucceeded()) {
      return;
    }
    Set<Event<?>> known = Collections.newSetFromMap(new IdentityHashMap<>());
    known.addAll(events);
    for (Event<?> failed : result.failures().keySet()) {
      if (!known.contains(failed)) {
        throw new IllegalStateException(
            "the batch result lists event " + failed.id() + ", which is not one of the batch's Event objects");
      }
    }
  }

  private final class SingleChain implements Middleware.Chain {
    private final int index;
    private final Event<?> event;
    private final Delivery delivery;
    private final DeliveryHandler<Object> handler;
    private boolean proceeded;

    SingleChain(int index, Event<?> event, Delivery delivery, DeliveryHandler<Object> handler) {
      this.index = index;
      this.event = event;
      this.delivery = delivery;
      this.handler = handler;
    }

    @Override
    public Event<?> event() {
      return event;
    }

    @Override
    public Delivery delivery() {
      return delivery;
    }

    @Override
    public void proceed() throws Exception {
      if (proceeded) {
        throw new IllegalStateException("proceed() was already called by this middleware");
      }
      proceeded = true;
      if (index < middleware.size()) {
        middleware.get(index).handle(new SingleChain(index + 1, event, delivery, handler));
      } else {
        @SuppressWarnings("unchecked")
        Event<Object> typed = (Event<Object>) event;
        handler.handle(typed, delivery);
      }
    }
  }

  private final class BatchChainImpl implements Middleware.BatchChain {
    private final int index;
    private final List<Event<?>> events;
    private final List<Delivery> deliveries;
    private final BatchHandler<Object> handler;
    private boolean proceeded;

    BatchChainImpl(int index, List<Event<?>> events, List<Delivery> deliveries, BatchHandler<Object> handler) {
      this.index = index;
      this.events = events;
      this.deliveries = deliveries;
      this.handler = handler;
    }

    @Override
    public List<Event<?>> events() {
      return events;
    }

    @Override
    public List<Delivery> deliveries() {
      return deliveries;
    }

    @Override
    public BatchResult proceed() throws Exception {
      if (proceeded) {
        throw new IllegalStateException("proceed() was already called by this middleware");
      }
      proceeded = true;
      if (index < middleware.size()) {
        return middleware.get(index).handleBatch(new BatchChainImpl(index + 1, events, deliveries, handler));
      }
      @SuppressWarnings({"unchecked", "rawtypes"})
      List<Event<Object>> typed = (List) events;
      return handler.handle(typed);
    }
  }
}
