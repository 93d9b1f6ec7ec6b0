package dev.evently.consume.internal;

import dev.evently.event.Event;
import dev.evently.tracing.MessagingTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The consumer's spans, per the OpenTelemetry messaging conventions ({@code messaging.system} =
 * {@code aws_sqs}): {@code receive} (CLIENT) per ReceiveMessage call, {@code process} (CONSUMER) per
 * handler call, whose parent is the producer's context carried by the message (or linked to it,
 * as configured; a batch call links them all), and {@code settle} (CLIENT) per delete or
 * visibility call and per dead-letter copy (with a {@code dead_lettered} event). Only created when
 * the consumer has an OpenTelemetry. Thread-safe.
 */
public final class ConsumerTracing {
  private final Tracer tracer;
  private final String queue;
  private final boolean linkToProducer;

  public ConsumerTracing(OpenTelemetry openTelemetry, String queue, boolean linkToProducer) {
    this.tracer = MessagingTracing.tracer(openTelemetry);
    this.queue = queue;
    this.linkToProducer = linkToProducer;
  }

  private SpanBuilder span(String operationType, String operationName, SpanKind kind) {
    return tracer
        .spanBuilder(operationType + " " + queue)
        .setSpanKind(kind)
        .setAttribute(MessagingTracing.SYSTEM, MessagingTracing.SQS)
        .setAttribute(MessagingTracing.OPERATION_TYPE, operationType)
        .setAttribute(MessagingTracing.OPERATION_NAME, operationName)
        .setAttribute(MessagingTracing.DESTINATION, queue);
  }

  /**
   * A {@code receive} span for a ReceiveMessage call started at {@code startedAt}, recorded when
   * the call brought messages or failed (an empty long poll, the normal state of an idle queue,
   * records nothing).
   */
  public void received(Instant startedAt, List<Message> messages, Throwable error) {
    if (error == null && messages.isEmpty()) {
      return;
    }
    Span span = span("receive", "ReceiveMessage", SpanKind.CLIENT).setNoParent().setStartTimestamp(startedAt).startSpan();
    if (error != null) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR);
    } else {
      span.setAttribute(MessagingTracing.BATCH_COUNT, (long) messages.size());
    }
    span.end();
  }

  /**
   * The producer's span context carried by a message: the {@code traceparent}/{@code tracestate}
   * message attributes, else the event's CloudEvents {@code traceparent}, else the X-Ray {@code
   * AWSTraceHeader}; invalid when it carries none.
   */
  public static SpanContext producerContext(Message message, Event<?> event) {
    Map<String, MessageAttributeValue> attributes = message.messageAttributes();
    MessageAttributeValue traceparent = attributes.get(MessagingTracing.TRACEPARENT);
    if (traceparent != null && traceparent.stringValue() != null) {
      Map<String, String> carrier = new HashMap<>();
      carrier.put(MessagingTracing.TRACEPARENT, traceparent.stringValue());
      MessageAttributeValue state = attributes.get(MessagingTracing.TRACESTATE);
      if (state != null && state.stringValue() != null) {
        carrier.put(MessagingTracing.TRACESTATE, state.stringValue());
      }
      SpanContext c = MessagingTracing.extract(carrier);
      if (c.isValid()) {
        return c;
      }
    }
    if (event != null && event.traceparent() != null) {
      SpanContext c = MessagingTracing.extract(Map.of(MessagingTracing.TRACEPARENT, event.traceparent()));
      if (c.isValid()) {
        return c;
      }
    }
    return MessagingTracing.fromXRay(message.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER));
  }

  /** A {@code process} span for one message, parented to (or linked with) its producer's context. */
  public Span startProcess(InFlightMessage m) {
    SpanBuilder b = span("process", "process", SpanKind.CONSUMER);
    SpanContext producer = producerContext(m.message(), m.event());
    if (producer.isValid() && !linkToProducer) {
      b.setParent(Context.root().with(Span.wrap(producer)));
    } else {
      b.setNoParent();
      if (producer.isValid()) {
        b.addLink(producer);
      }
    }
    Span span = b.setAllAttributes(messageAttributes(m)).startSpan();
    m.traceContext(span.getSpanContext());
    return span;
  }

  /** A {@code process} span for a batch call, linked to every message's producer context. */
  public Span startBatch(List<InFlightMessage> batch) {
    SpanBuilder b =
        span("process", "process", SpanKind.CONSUMER)
            .setNoParent()
            .setAttribute(MessagingTracing.BATCH_COUNT, (long) batch.size());
    for (InFlightMessage m : batch) {
      SpanContext producer = producerContext(m.message(), m.event());
      if (producer.isValid()) {
        b.addLink(producer, messageAttributes(m));
      }
    }
    Span span = b.startSpan();
    batch.forEach(m -> m.traceContext(span.getSpanContext()));
    return span;
  }

  /** A {@code settle} span for one DeleteMessageBatch or ChangeMessageVisibilityBatch call. */
  public Span startSettle(String operationName, List<InFlightMessage> messages) {
    SpanBuilder b =
        span("settle", operationName, SpanKind.CLIENT)
            .setNoParent()
            .setAttribute(MessagingTracing.BATCH_COUNT, (long) messages.size());
    for (InFlightMessage m : messages) {
      SpanContext c = m.traceContext();
      if (c != null && c.isValid()) {
        b.addLink(c);
      }
    }
    return b.startSpan();
  }

  /** A {@code settle} span for the dead-letter copy of a message, with a {@code dead_lettered} event. */
  public Span startDeadLetter(InFlightMessage m, String reason) {
    SpanContext parent = m.traceContext();
    if (parent == null || !parent.isValid()) {
      parent = producerContext(m.message(), m.event());
    }
    SpanBuilder b = span("settle", "SendMessage", SpanKind.CLIENT);
    if (parent.isValid()) {
      b.setParent(Context.root().with(Span.wrap(parent)));
    } else {
      b.setNoParent();
    }
    Span span = b.setAttribute(MessagingTracing.MESSAGE_ID, m.messageId()).startSpan();
    span.addEvent("dead_lettered", Attributes.of(MessagingTracing.DLQ_REASON, reason));
    return span;
  }

  public static void end(Span span, Throwable error) {
    if (error != null) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  private static Attributes messageAttributes(InFlightMessage m) {
    Event<?> e = m.event();
    var b =
        Attributes.builder()
            .put(MessagingTracing.MESSAGE_ID, m.messageId())
            .put(MessagingTracing.DELIVERY_COUNT, (long) m.receiveCount());
    if (e != null) {
      b.put(MessagingTracing.EVENT_ID, e.id()).put(MessagingTracing.EVENT_TYPE, e.type()).put(MessagingTracing.EVENT_SOURCE, e.source());
      if (e.correlationId() != null) {
        b.put(MessagingTracing.CONVERSATION_ID, e.correlationId());
      }
    }
    return b.build();
  }
}
