package dev.evently.consume.internal;

import dev.evently.consume.BatchResult;
import dev.evently.consume.Middleware;
import dev.evently.event.Event;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts the consumer name, SQS message id, event id, type and correlation id (and, when the call is
 * traced, the trace and span ids) in the SLF4J MDC around a handler call, and removes them afterwards (batch calls: the consumer name only). The
 * outermost middleware of every consumer.
 */
public final class MdcMiddleware implements Middleware {
  /** MDC keys. */
  public static final String CONSUMER = "consumer";

  public static final String MESSAGE_ID = "messageId";
  public static final String EVENT_ID = "eventId";
  public static final String EVENT_TYPE = "eventType";
  public static final String CORRELATION_ID = "correlationId";
  public static final String TRACE_ID = "traceId";
  public static final String SPAN_ID = "spanId";

  private final String consumer;
  private final boolean traced;

  /** @param traced whether the consumer traces (only then are trace and span ids looked up) */
  public MdcMiddleware(String consumer, boolean traced) {
    this.consumer = consumer;
    this.traced = traced;
  }

  @Override
  public void handle(Chain chain) throws Exception {
    Event<?> event = chain.event();
    MDC.put(CONSUMER, consumer);
    MDC.put(MESSAGE_ID, chain.delivery().messageId());
    put(EVENT_ID, event.id());
    put(EVENT_TYPE, event.type());
    put(CORRELATION_ID, event.correlationId());
    SpanContext trace = traced ? Span.current().getSpanContext() : SpanContext.getInvalid();
    if (trace.isValid()) {
      MDC.put(TRACE_ID, trace.getTraceId());
      MDC.put(SPAN_ID, trace.getSpanId());
    }
    try {
      chain.proceed();
    } finally {
      MDC.remove(CONSUMER);
      MDC.remove(MESSAGE_ID);
      MDC.remove(EVENT_ID);
      MDC.remove(EVENT_TYPE);
      MDC.remove(CORRELATION_ID);
      if (trace.isValid()) {
        MDC.remove(TRACE_ID);
        MDC.remove(SPAN_ID);
      }
    }
  }

  @Override
  public BatchResult handleBatch(BatchChain chain) throws Exception {
    MDC.put(CONSUMER, consumer);
    try {
      return chain.proceed();
    } finally {
      MDC.remove(CONSUMER);
    }
  }

  private static void put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }
}
