package dev.evently.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messaging side of OpenTelemetry in evently: attribute names of the messaging semantic
 * conventions, the W3C trace context carried by messages (message attributes {@code traceparent}
 * and {@code tracestate}, and the CloudEvents {@code traceparent} extension) and the AWS X-Ray
 * {@code AWSTraceHeader} as a fallback. The library uses the OpenTelemetry API only: without an SDK
 * it records nothing.
 */
public final class MessagingTracing {
  /** The instrumentation scope of evently's spans. */
  public static final String SCOPE = "dev.evently";

  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  public static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  public static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
  public static final AttributeKey<Long> DELIVERY_COUNT =
      AttributeKey.longKey("messaging.aws.sqs.receive_count");
  public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
  public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
  public static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");
  public static final AttributeKey<String> DLQ_REASON = AttributeKey.stringKey("evently.dead_letter.reason");

  public static final String SQS = "aws_sqs";
  public static final String SNS = "aws_sns";

  /** Message attribute names of the W3C trace context. */
  public static final String TRACEPARENT = "traceparent";

  public static final String TRACESTATE = "tracestate";

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> carrier.put(key, value);

  private MessagingTracing() {}

  /**
   * The OpenTelemetry to use when none was given: the global one if the application (or the
   * Java agent) registered it, else null (evently then adds no tracing at all). With an
   * OpenTelemetry API older than 1.57 on the classpath (e.g. the one Spring Boot 4.0 manages),
   * which cannot tell whether a global one is set without setting a no-op one, this is null:
   * give the consumer or publisher an OpenTelemetry explicitly there.
   */
  public static OpenTelemetry globalOrNull() {
    try {
      return GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
    } catch (NoSuchMethodError olderApi) {
      return null;
    }
  }

  public static Tracer tracer(OpenTelemetry openTelemetry) {
    return openTelemetry.getTracer(SCOPE);
  }

  /** The W3C trace context of {@code context} as {@code traceparent} (and {@code tracestate}) entries. */
  public static Map<String, String> inject(Context context) {
    Map<String, String> carrier = new LinkedHashMap<>();
    W3CTraceContextPropagator.getInstance().inject(context, carrier, SETTER);
    return carrier;
  }

  /** The remote span context in {@code traceparent}/{@code tracestate} entries; invalid when absent or malformed. */
  public static SpanContext extract(Map<String, String> carrier) {
    if (carrier == null || !carrier.containsKey(TRACEPARENT)) {
      return SpanContext.getInvalid();
    }
    Context c = W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, GETTER);
    return io.opentelemetry.api.trace.Span.fromContext(c).getSpanContext();
  }

  /**
   * The remote span context of an AWS X-Ray trace header ({@code
   * Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}); invalid when
   * absent or malformed.
   */
  public static SpanContext fromXRay(String header) {
    if (header == null) {
      return SpanContext.getInvalid();
    }
    String root = null;
    String parent = null;
    boolean sampled = false;
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      switch (key) {
        case "Root" -> root = value;
        case "Parent" -> parent = value;
        case "Sampled" -> sampled = "1".equals(value);
        default -> {}
      }
    }
    if (root == null || parent == null || !root.startsWith("1-") || root.length() != 35) {
      return SpanContext.getInvalid();
    }
    String traceId = root.substring(2, 10) + root.substring(11);
    SpanContext context =
        SpanContext.createFromRemoteParent(
            traceId, parent, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
    return context.isValid() ? context : SpanContext.getInvalid();
  }
}
