package dev.evently.consume.internal;

import dev.evently.consume.BatchResult;
import dev.evently.consume.Middleware;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code process} span around every handler call (the outermost middleware when the consumer
 * traces): current while the handler runs, so its own spans (JDBC, HTTP, a publish) join the
 * producer's trace; an error status when it throws; a {@code circuit_breaker.open} event when the
 * breaker held the message back.
 */
public final class TracingMiddleware implements Middleware {
  private final ConsumerTracing tracing;

  public TracingMiddleware(ConsumerTracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public void handle(Chain chain) throws Exception {
    Span span = tracing.startProcess((InFlightMessage) chain.delivery());
    Throwable failure = null;
    try (Scope scope = span.makeCurrent()) {
      chain.proceed();
    } catch (CircuitOpenException e) {
      span.addEvent("circuit_breaker.open");
      throw e;
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      ConsumerTracing.end(span, failure);
    }
  }

  @Override
  public BatchResult handleBatch(BatchChain chain) throws Exception {
    List<InFlightMessage> messages = new ArrayList<>(chain.deliveries().size());
    chain.deliveries().forEach(d -> messages.add((InFlightMessage) d));
    Span span = tracing.startBatch(messages);
    Throwable failure = null;
    try (Scope scope = span.makeCurrent()) {
      BatchResult result = chain.proceed();
      if (result != null && !result.allSucceeded()) {
        span.addEvent("failed_entries");
      }
      return result;
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      ConsumerTracing.end(span, failure);
    }
  }
}
