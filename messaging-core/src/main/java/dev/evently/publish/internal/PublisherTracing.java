package dev.evently.publish.internal;

import dev.evently.event.Event;
import dev.evently.publish.EncodedMessage;
import dev.evently.tracing.MessagingTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * The publisher's spans, per the OpenTelemetry messaging conventions: a {@code create} span
 * (PRODUCER) per message, whose context the message carries to its consumers as the {@code
 * traceparent}/{@code tracestate} message attributes (and as the CloudEvents {@code traceparent}
 * of an event that has none); and a {@code send} span (CLIENT) per {@code PublishBatch} call,
 * linked to the create span of every entry, with error status when the call or an entry failed.
 *
 * <p>The parent of a create span is the caller's current span for {@code publish(Event)}, and for
 * {@code publishEncoded} the trace the message already carries (the outbox stores the writer's), so
 * the trace runs from the request that wrote the event through the relay to every consumer.
 * Immutable, thread-safe.
 */
public final class PublisherTracing {
  private final Tracer tracer;
  private final String topic;

  private PublisherTracing(OpenTelemetry openTelemetry, String topic) {
    this.tracer = MessagingTracing.tracer(openTelemetry);
    this.topic = topic;
  }

  /** Tracing for {@code topic}, or null (no tracing at all) when {@code openTelemetry} is null. */
  public static PublisherTracing of(OpenTelemetry openTelemetry, String topic) {
    return openTelemetry == null ? null : new PublisherTracing(openTelemetry, topic);
  }

  /** Encodes {@code event} under a new create span (child of the current span). */
  public EncodedMessage create(Event<?> event, Function<Event<?>, EncodedMessage> encoder) {
    Span span = createSpan(Context.current(), event.id(), event.type());
    try {
      Context context = Context.current().with(span);
      Map<String, String> trace = MessagingTracing.inject(context);
      Event<?> traced = event.traceparent() == null ? event.withTraceparent(trace.get(MessagingTracing.TRACEPARENT)) : event;
      return withTrace(encoder.apply(traced), trace);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, "not encoded");
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * {@code message} under a new create span whose parent is the trace the message carries (its
   * {@code traceparent} attribute), else the current span. The body is not changed.
   */
  public EncodedMessage create(EncodedMessage message) {
    SpanContext carried = MessagingTracing.extract(message.attributes());
    Context parent = carried.isValid() ? Context.root().with(Span.wrap(carried)) : Context.current();
    Span span = createSpan(parent, message.eventId(), message.type());
    try {
      return withTrace(message, MessagingTracing.inject(parent.with(span)));
    } finally {
      span.end();
    }
  }

  /** {@code call} (a PublishBatch) inside a send span. */
  public Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> send(
      Function<PublishBatchRequest, CompletableFuture<PublishBatchResponse>> call) {
    return request -> {
      SpanBuilder builder =
          tracer
              .spanBuilder("send " + topic)
              .setSpanKind(SpanKind.CLIENT)
              .setNoParent()
              .setAttribute(MessagingTracing.SYSTEM, MessagingTracing.SNS)
              .setAttribute(MessagingTracing.OPERATION_TYPE, "send")
              .setAttribute(MessagingTracing.OPERATION_NAME, "PublishBatch")
              .setAttribute(MessagingTracing.DESTINATION, topic)
              .setAttribute(MessagingTracing.BATCH_COUNT, (long) request.publishBatchRequestEntries().size());
      for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
        SpanContext created = MessagingTracing.extract(stringAttributes(entry.messageAttributes()));
        if (created.isValid()) {
          builder.addLink(created);
        }
      }
      Span span = builder.startSpan();
      CompletableFuture<PublishBatchResponse> result;
      try {
        result = call.apply(request);
      } catch (RuntimeException e) {
        end(span, null, e);
        throw e;
      }
      return result.whenComplete((response, failure) -> end(span, response, failure));
    };
  }

  private static void end(Span span, PublishBatchResponse response, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    } else if (response != null && response.hasFailed() && !response.failed().isEmpty()) {
      span.setStatus(StatusCode.ERROR, response.failed().size() + " entries failed");
    }
    span.end();
  }

  private Span createSpan(Context parent, String eventId, String type) {
    return tracer
        .spanBuilder("create " + topic)
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(parent)
        .setAttribute(MessagingTracing.SYSTEM, MessagingTracing.SNS)
        .setAttribute(MessagingTracing.OPERATION_TYPE, "create")
        .setAttribute(MessagingTracing.OPERATION_NAME, "create")
        .setAttribute(MessagingTracing.DESTINATION, topic)
        .setAttribute(MessagingTracing.EVENT_ID, eventId)
        .setAttribute(MessagingTracing.EVENT_TYPE, type)
        .startSpan();
  }

  /** The message with {@code trace} as its trace attributes, as far as SNS's 10 attributes allow. */
  private static EncodedMessage withTrace(EncodedMessage message, Map<String, String> trace) {
    Map<String, String> attributes = new HashMap<>(message.attributes());
    attributes.remove(MessagingTracing.TRACEPARENT);
    attributes.remove(MessagingTracing.TRACESTATE);
    for (Map.Entry<String, String> e : trace.entrySet()) {
      if (attributes.size() < EncodedMessage.MAX_ATTRIBUTES && !e.getValue().isEmpty()) {
        attributes.put(e.getKey(), e.getValue());
      }
    }
    return new EncodedMessage(
        message.eventId(), message.type(), message.body(), attributes, message.messageGroupId(), message.deduplicationId());
  }

  private static Map<String, String> stringAttributes(Map<String, MessageAttributeValue> attributes) {
    Map<String, String> strings = new HashMap<>();
    attributes.forEach((k, v) -> {
      if (v.stringValue() != null) {
        strings.put(k, v.stringValue());
      }
    });
    return strings;
  }
}
