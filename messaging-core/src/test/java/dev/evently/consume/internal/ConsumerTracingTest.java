package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.consume.BatchResult;
import dev.evently.consume.CircuitBreakerPolicy;
import dev.evently.consume.Middleware;
import dev.evently.event.Event;
import dev.evently.tracing.MessagingTracing;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The consumer's spans, recorded by the OpenTelemetry SDK's in-memory exporter. */
class ConsumerTracingTest {
  record Note(String text) {}

  private static final String PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + PRODUCER_TRACE + "-" + PRODUCER_SPAN + "-01";
  private static final QueueSetup QUEUE = new QueueSetup("orders", "http://sqs/000/orders", 30, false, "dlq", 5);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();

  @AfterEach
  void close() {
    otel.close();
  }

  private static InFlightMessage message(String id, Map<String, MessageAttributeValue> attributes, Map<String, String> system, String eventTraceparent) {
    Map<String, String> sys = new HashMap<>(system);
    sys.put(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(), "2");
    Message sqs =
        Message.builder()
            .messageId("m-" + id)
            .receiptHandle("r-" + id)
            .body("{}")
            .messageAttributes(attributes)
            .attributesWithStrings(sys)
            .build();
    InFlightMessage m = new InFlightMessage(sqs, QUEUE, "orders-consumer", 0, 30_000_000_000L);
    Event<Note> event = Event.of("com.example.note", "billing", new Note("x")).withId(id).withCorrelationId("corr-" + id);
    m.decoded(eventTraceparent == null ? event : event.withTraceparent(eventTraceparent));
    return m;
  }

  private static MessageAttributeValue text(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }

  private Pipeline pipeline(boolean link) {
    return new Pipeline(Map.of(), List.of(new TracingMiddleware(new ConsumerTracing(otel, "orders", link))));
  }

  private static Pipeline.Single ok() {
    return new Pipeline.Single((event, delivery) -> {});
  }

  private SpanData only(String name) {
    List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void aProcessSpanIsTheChildOfTheProducerSpanCarriedInTheMessageAttributes() {
    InFlightMessage m = message("e1", Map.of("traceparent", text(TRACEPARENT)), Map.of(), null);
    pipeline(false).runSingle(m, ok());

    SpanData process = only("process orders");
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(process.getTraceId()).isEqualTo(PRODUCER_TRACE);
    assertThat(process.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
    assertThat(process.getAttributes().get(MessagingTracing.SYSTEM)).isEqualTo("aws_sqs");
    assertThat(process.getAttributes().get(MessagingTracing.OPERATION_TYPE)).isEqualTo("process");
    assertThat(process.getAttributes().get(MessagingTracing.DESTINATION)).isEqualTo("orders");
    assertThat(process.getAttributes().get(MessagingTracing.MESSAGE_ID)).isEqualTo("m-e1");
    assertThat(process.getAttributes().get(MessagingTracing.EVENT_ID)).isEqualTo("e1");
    assertThat(process.getAttributes().get(MessagingTracing.CONVERSATION_ID)).isEqualTo("corr-e1");
    assertThat(process.getAttributes().get(MessagingTracing.DELIVERY_COUNT)).isEqualTo(2L);
    assertThat(m.traceContext().getSpanId()).isEqualTo(process.getSpanId());
  }

  @Test
  void theCloudEventsTraceparentAndThenXRayAreFallbacks() {
    pipeline(false).runSingle(message("ce", Map.of(), Map.of(), TRACEPARENT), ok());
    assertThat(only("process orders").getParentSpanId()).isEqualTo(PRODUCER_SPAN);
    spans.reset();

    String xray = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    pipeline(false)
        .runSingle(message("x", Map.of(), Map.of(MessageSystemAttributeName.AWS_TRACE_HEADER.toString(), xray), null), ok());
    SpanData process = only("process orders");
    assertThat(process.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(process.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(MessagingTracing.fromXRay("Root=garbage")).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void aReceiveSpanIsRecordedForACallThatBroughtMessagesOrFailedNotForAnEmptyPoll() {
    ConsumerTracing tracing = new ConsumerTracing(otel, "orders", false);
    java.time.Instant started = java.time.Instant.now().minusMillis(30);
    tracing.received(started, List.of(), null);
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    tracing.received(started, List.of(Message.builder().messageId("m1").build(), Message.builder().messageId("m2").build()), null);
    SpanData receive = only("receive orders");
    assertThat(receive.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(receive.getAttributes().get(MessagingTracing.BATCH_COUNT)).isEqualTo(2L);
    assertThat(receive.getEndEpochNanos() - receive.getStartEpochNanos()).isGreaterThanOrEqualTo(30_000_000L);
    spans.reset();

    tracing.received(started, List.of(), new IllegalStateException("connection reset"));
    assertThat(only("receive orders").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void linkModeStartsANewTraceLinkedToTheProducer() {
    pipeline(true).runSingle(message("e1", Map.of("traceparent", text(TRACEPARENT)), Map.of(), null), ok());
    SpanData process = only("process orders");
    assertThat(process.getTraceId()).isNotEqualTo(PRODUCER_TRACE);
    assertThat(process.getLinks()).singleElement().satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(PRODUCER_SPAN));
  }

  @Test
  void aFailingHandlerGivesAnErrorSpanAndTheHandlerRunsInsideTheSpan() {
    String[] seen = new String[1];
    Pipeline.Single failing =
        new Pipeline.Single(
            (event, delivery) -> {
              seen[0] = Span.current().getSpanContext().getTraceId();
              throw new IllegalStateException("db down");
            });
    pipeline(false).runSingle(message("e1", Map.of("traceparent", text(TRACEPARENT)), Map.of(), null), failing);
    SpanData process = only("process orders");
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(process.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(seen[0]).isEqualTo(PRODUCER_TRACE);
  }

  @Test
  void aBatchCallLinksEveryMessagesProducer() {
    List<InFlightMessage> batch =
        List.of(
            message("a", Map.of("traceparent", text(TRACEPARENT)), Map.of(), null),
            message("b", Map.of("traceparent", text("00-" + PRODUCER_TRACE + "-1111111111111111-01")), Map.of(), null));
    pipeline(false).runBatch(batch, new Pipeline.Batch(events -> BatchResult.success(), 10));
    SpanData process = only("process orders");
    assertThat(process.getLinks()).hasSize(2);
    assertThat(process.getAttributes().get(MessagingTracing.BATCH_COUNT)).isEqualTo(2L);
  }

  @Test
  void aMessageHeldBackByTheBreakerGetsAnEventNotAnError() {
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("db");
    breaker.transitionToForcedOpenState();
    Middleware held = new BreakerMiddleware(CircuitBreakerPolicy.of(breaker));
    Pipeline pipeline =
        new Pipeline(Map.of(), List.of(new TracingMiddleware(new ConsumerTracing(otel, "orders", false)), held));
    assertThat(pipeline.runSingle(message("e1", Map.of(), Map.of(), null), ok())).isInstanceOf(Decision.HeldBack.class);
    SpanData process = only("process orders");
    assertThat(process.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("circuit_breaker.open"));
    assertThat(process.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
  }

  @Test
  void settleAndDeadLetterSpansLinkOrParentTheProcessedMessage() {
    ConsumerTracing tracing = new ConsumerTracing(otel, "orders", false);
    InFlightMessage m = message("e1", Map.of("traceparent", text(TRACEPARENT)), Map.of(), null);
    new Pipeline(Map.of(), List.of(new TracingMiddleware(tracing))).runSingle(m, ok());
    ConsumerTracing.end(tracing.startSettle("DeleteMessageBatch", List.of(m)), null);
    ConsumerTracing.end(tracing.startDeadLetter(m, "HANDLER_REJECTED"), null);

    SpanData process = only("process orders");
    List<SpanData> settles = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("settle orders")).toList();
    assertThat(settles).hasSize(2);
    assertThat(settles.get(0).getLinks()).singleElement().satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(process.getSpanId()));
    SpanData dlq = settles.get(1);
    assertThat(dlq.getParentSpanId()).isEqualTo(process.getSpanId());
    assertThat(dlq.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("dead_lettered");
      assertThat(e.getAttributes().get(MessagingTracing.DLQ_REASON)).isEqualTo("HANDLER_REJECTED");
    });
  }
}
