package dev.evently.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  record OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {
    OrderCreated {
      if (orderTotal != null && orderTotal.signum() <= 0) {
        throw new IllegalArgumentException("orderTotal must be > 0");
      }
    }
  }

  record Ping(int n) {}

  private final EventTypes types =
      EventTypes.builder().register("OrderCreated", OrderCreated.class).register(Ping.class).build();
  private final EventCodec codec = EventCodec.builder().types(types).maxBytes(4096).build();

  private final Event<OrderCreated> event =
      Event.of("OrderCreated", "order-service", new OrderCreated("o-1", "c-1", new BigDecimal("60.00")))
          .withSubject("o-1")
          .withCorrelationId("corr-1")
          .withTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  @Test
  void encodesAStructuredCloudEventAndDecodesItBack() throws Exception {
    String json = codec.encode(event);

    assertThat(json)
        .contains("\"specversion\":\"1.0\"")
        .contains("\"type\":\"OrderCreated\"")
        .contains("\"datacontenttype\":\"application/json\"")
        .contains("\"correlationid\":\"corr-1\"")
        .contains("\"traceparent\":");
    assertThat(codec.decode(json)).isEqualTo(event);
  }

  @Test
  void decodesAnSnsNotificationEnvelopeToTheSameEvent() throws Exception {
    String inner = codec.encode(event);
    String notification =
        "{\"Type\":\"Notification\",\"MessageId\":\"m-1\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
            + "\"Message\":"
            + EventCodec.defaultMapper().writeValueAsString(inner)
            + ",\"MessageAttributes\":{}}";

    assertThat(codec.decode(notification)).isEqualTo(codec.decode(inner));
  }

  @Test
  void toleratesUnknownFieldsAndIgnoresTypeInjection() throws Exception {
    String json =
        codec
            .encode(event)
            .replace("\"orderId\":", "\"@class\":\"java.lang.ProcessBuilder\",\"extra\":1,\"orderId\":");

    Event<?> decoded = codec.decode(json);

    assertThat(decoded.data()).isEqualTo(event.data());
  }

  @Test
  void causedByCarriesCorrelationAndCausation() {
    Event<Ping> reply = Event.of("Ping", "customer-service", new Ping(1)).causedBy(event);

    assertThat(reply.causationId()).isEqualTo(event.id());
    assertThat(reply.correlationId()).isEqualTo("corr-1");
    assertThat(reply.traceparent()).isEqualTo(event.traceparent());
  }

  @Test
  void refusesATooLargeBodyBeforeParsing() {
    String big = "{\"x\":\"" + "a".repeat(5000) + "\"}";

    assertReason(big, DecodeFailure.TOO_LARGE);
  }

  @Test
  void refusesMultiByteBodiesByTheirUtf8Size() {
    String big = "\"" + "é".repeat(1500) + "\""; // 1502 chars, 3002 bytes: under the limit
    String bigger = "\"" + "€".repeat(1500) + "\""; // 4502 bytes: over

    assertReason(big, DecodeFailure.NOT_CLOUDEVENT);
    assertReason(bigger, DecodeFailure.TOO_LARGE);
  }

  @Test
  void refusesABodyThatIsNotJson() {
    assertReason("this is not json", DecodeFailure.NOT_JSON);
    assertReason("", DecodeFailure.NOT_JSON);
  }

  @Test
  void refusesAnSnsNotificationWhoseMessageIsNotJson() {
    assertReason("{\"Type\":\"Notification\",\"Message\":\"hello\"}", DecodeFailure.NOT_JSON);
  }

  @Test
  void refusesJsonThatIsNotACloudEvent() {
    assertReason("{\"hello\":\"world\"}", DecodeFailure.NOT_CLOUDEVENT);
    assertReason("[1,2]", DecodeFailure.NOT_CLOUDEVENT);
    assertReason(codec.encode(event).replace("\"1.0\"", "\"0.3\""), DecodeFailure.NOT_CLOUDEVENT);
    assertReason(
        codec.encode(event).replace(event.time().toString(), "yesterday"), DecodeFailure.NOT_CLOUDEVENT);
  }

  @Test
  void refusesAnUnknownTypeAndKeepsTheIdAndType() {
    EventDecodingException e =
        assertReason(
            codec.encode(event).replace("\"type\":\"OrderCreated\"", "\"type\":\"OrderShipped\""),
            DecodeFailure.UNKNOWN_TYPE);

    assertThat(e.eventId()).isEqualTo(event.id());
    assertThat(e.eventType()).isEqualTo("OrderShipped");
  }

  @Test
  void refusesDataWithAMissingField() {
    assertReason(codec.encode(event).replace("\"customerId\":\"c-1\",", ""), DecodeFailure.INVALID_DATA);
  }

  @Test
  void refusesDataOfTheWrongShape() {
    assertReason(
        codec.encode(event).replace("60.00", "\"sixty\""), DecodeFailure.INVALID_DATA);
    assertReason(
        codec.encode(Event.of("Ping", "s", new Ping(1))).replace("\"n\":1", "\"n\":null"),
        DecodeFailure.INVALID_DATA);
  }

  @Test
  void refusesDataThatTheRecordRejects() {
    EventDecodingException e =
        assertReason(codec.encode(event).replace("60.00", "-5"), DecodeFailure.INVALID_DATA);

    assertThat(e.getMessage()).contains("orderTotal must be > 0");
  }

  @Test
  void refusesMissingData() {
    String noData = codec.encode(event).replaceAll(",\"data\":\\{.*}}$", "}");

    assertReason(noData, DecodeFailure.INVALID_DATA);
  }

  @Test
  void encodingRefusesUnregisteredTypesAndMismatchedData() {
    assertThatThrownBy(() -> codec.encode(Event.of("Nope", "s", new Ping(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Nope' is not registered");
    assertThatThrownBy(() -> codec.encode(Event.of("Ping", "s", "text")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected");
  }

  @Test
  void typesRegistryValidatesNamesAndClasses() {
    assertThatThrownBy(() -> EventTypes.builder().register("bad name", Ping.class))
        .hasMessageContaining("typeName");
    assertThatThrownBy(() -> EventTypes.builder().register("X", String.class))
        .hasMessageContaining("must be a record");
    assertThatThrownBy(() -> EventTypes.builder().register(Ping.class).register("Other", Ping.class))
        .hasMessageContaining("registered twice");
    assertThat(types.event("s", new Ping(2)).type()).isEqualTo("Ping");
  }

  @Test
  void eventValidatesItsFields() {
    assertThatThrownBy(() -> new Event<>(" ", "T", "s", Instant.now(), null, null, null, null, 1))
        .hasMessageContaining("id must not be blank");
    assertThatThrownBy(() -> Event.of("T", "s", null)).hasMessageContaining("data");
  }

  private EventDecodingException assertReason(String body, DecodeFailure reason) {
    try {
      codec.decode(body);
    } catch (EventDecodingException e) {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
      assertThat(e.getMessage()).doesNotContain(body.length() > 40 ? body : "\u0000");
      return e;
    }
    throw new AssertionError("expected " + reason + " for " + body);
  }
}
