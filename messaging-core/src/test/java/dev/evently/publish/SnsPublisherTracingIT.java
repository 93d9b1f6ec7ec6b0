package dev.evently.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.tracing.MessagingTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The publisher's create and send spans, and the trace context its messages carry through SNS to SQS. */
@LocalAws
class SnsPublisherTracingIT {
  record OrderPlaced(String orderId) {}

  private static final Duration ARRIVAL = Duration.ofSeconds(10);
  private static final String WRITER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String WRITER_SPAN = "00f067aa0ba902b7";

  private final EventCodec codec = EventCodec.of(EventTypes.builder().register("com.example.order.placed", OrderPlaced.class).build());
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();

  @AfterEach
  void close() {
    otel.close();
  }

  private List<SpanData> named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  @Test
  void anEventCarriesItsCreateSpanToRawAndEnvelopedSubscribers(SnsAsyncClient sns, AwsFixtures aws, TestNames names)
      throws Exception {
    String topicName = names.topic("orders");
    String topic = aws.createTopic(topicName);
    String raw = aws.createQueue(names.queue("raw"));
    String enveloped = aws.createQueue(names.queue("enveloped"));
    aws.subscribe(topic, raw, true, null);
    aws.subscribe(topic, enveloped, false, null);
    Event<OrderPlaced> event = Event.of("com.example.order.placed", "order-service", new OrderPlaced("o-1"));

    Span request = otel.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
    try (SnsPublisher publisher = SnsPublisher.builder().client(sns).topic(topic).codec(codec).openTelemetry(otel).build()) {
      try (Scope ignored = request.makeCurrent()) {
        publisher.publish(event).get(10, TimeUnit.SECONDS);
      } finally {
        request.end();
      }
    }

    SpanData create = named("create " + topicName).get(0);
    assertThat(create.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(create.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(create.getAttributes().get(MessagingTracing.SYSTEM)).isEqualTo("aws_sns");
    assertThat(create.getAttributes().get(MessagingTracing.EVENT_ID)).isEqualTo(event.id());
    SpanData send = named("send " + topicName).get(0);
    assertThat(send.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(send.getLinks()).singleElement().satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(create.getSpanId()));
    assertThat(send.getAttributes().get(MessagingTracing.BATCH_COUNT)).isEqualTo(1L);

    String expected = "00-" + create.getTraceId() + "-" + create.getSpanId() + "-" + create.getSpanContext().getTraceFlags().asHex();
    Message rawMessage = aws.receiveAll(raw, ARRIVAL, 1).get(0);
    assertThat(rawMessage.messageAttributes().get(MessagingTracing.TRACEPARENT).stringValue()).isEqualTo(expected);
    assertThat(codec.decode(rawMessage.body()).traceparent()).isEqualTo(expected);
    Message envelopedMessage = aws.receiveAll(enveloped, ARRIVAL, 1).get(0);
    assertThat(envelopedMessage.body()).contains("\"traceparent\"").contains(expected);
    assertThat(codec.decode(envelopedMessage.body()).traceparent()).isEqualTo(expected);
  }

  @Test
  void aStoredMessageContinuesTheWritersTraceAndKeepsItsBody(SnsAsyncClient sns, AwsFixtures aws, TestNames names)
      throws Exception {
    String topicName = names.topic("orders");
    String topic = aws.createTopic(topicName);
    String raw = aws.createQueue(names.queue("raw"));
    aws.subscribe(topic, raw, true, null);
    String writer = "00-" + WRITER_TRACE + "-" + WRITER_SPAN + "-01";
    Event<OrderPlaced> event = Event.of("com.example.order.placed", "order-service", new OrderPlaced("o-2")).withTraceparent(writer);
    String body = codec.encode(event);
    EncodedMessage stored =
        new EncodedMessage(event.id(), event.type(), body, Map.of(EventAttributes.TYPE, event.type(), "traceparent", writer), null, null);

    try (SnsPublisher publisher = SnsPublisher.builder().client(sns).topic(topic).codec(codec).openTelemetry(otel).build()) {
      publisher.publishEncoded(stored).get(10, TimeUnit.SECONDS);
    }

    SpanData create = named("create " + topicName).get(0);
    assertThat(create.getTraceId()).isEqualTo(WRITER_TRACE);
    assertThat(create.getParentSpanId()).isEqualTo(WRITER_SPAN);
    Message received = aws.receiveAll(raw, ARRIVAL, 1).get(0);
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.messageAttributes().get(MessagingTracing.TRACEPARENT).stringValue())
        .isEqualTo("00-" + WRITER_TRACE + "-" + create.getSpanId() + "-" + create.getSpanContext().getTraceFlags().asHex());
  }
}
