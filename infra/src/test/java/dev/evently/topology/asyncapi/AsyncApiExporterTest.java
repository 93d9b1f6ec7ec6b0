package dev.evently.topology.asyncapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code export asyncapi} of infra/topology.yaml: valid AsyncAPI 3.0, and what it says. */
class AsyncApiExporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Topology topology = TopologyLoader.load(Path.of("topology.yaml"));
  private final String document = new AsyncApiExporter(topology, Naming.NONE, SagaEvents.TYPES).json();

  @Test
  void exportOfTheShippedTopologyValidatesAgainstTheAsyncApi300Schema() throws IOException {
    List<Error> errors = schema("/asyncapi/asyncapi-3.0.0.schema.json").validate(document, InputFormat.JSON);

    assertThat(errors).isEmpty();
  }

  @Test
  void theValidatorRejectsABrokenDocument() throws IOException {
    String broken = document.replace("\"action\" : \"send\"", "\"action\" : \"publish\"");

    assertThat(broken).isNotEqualTo(document);
    assertThat(schema("/asyncapi/asyncapi-3.0.0.schema.json").validate(broken, InputFormat.JSON)).isNotEmpty();
  }

  @Test
  void channelsOperationsAndMessagesFollowTheTopologyAndItsFilterPolicies() throws IOException {
    JsonNode doc = JSON.readTree(document);

    assertThat(doc.path("channels").fieldNames()).toIterable()
        .containsExactly("order-events", "customer-events", "order-service", "customer-service", "notification-service");
    assertThat(doc.at("/channels/order-events/messages").fieldNames()).toIterable()
        .containsExactly("OrderCreated", "OrderCancelled");
    assertThat(doc.at("/channels/order-service/messages").fieldNames()).toIterable()
        .containsExactly("CustomerCreditReserved", "CustomerCreditReservationFailed");
    assertThat(doc.at("/channels/customer-service/x-evently-subscriptions/0/filterPolicy/event-type/0").asText())
        .isEqualTo(OrderCreated.TYPE);
    assertThat(doc.path("operations").fieldNames()).toIterable().containsExactly(
        "order-service_send_order-events", "order-service_receive_order-service",
        "customer-service_send_customer-events", "customer-service_receive_customer-service",
        "notification-service_receive_notification-service");
    // fan-out: the notification service's queue takes every saga event from both topics
    assertThat(doc.at("/channels/notification-service/messages").fieldNames()).toIterable()
        .containsExactly("OrderCreated", "OrderCancelled", "CustomerCreditReserved", "CustomerCreditReservationFailed");
    assertThat(doc.at("/operations/customer-service_receive_customer-service/action").asText()).isEqualTo("receive");
    assertThat(doc.at("/operations/customer-service_receive_customer-service/messages/0/$ref").asText())
        .isEqualTo("#/channels/customer-service/messages/OrderCreated");
    JsonNode message = doc.at("/components/messages/OrderCreated");
    assertThat(message.path("name").asText()).isEqualTo(OrderCreated.TYPE);
    assertThat(message.path("contentType").asText()).isEqualTo("application/cloudevents+json");
    assertThat(message.at("/headers/properties/event-type/const").asText()).isEqualTo(OrderCreated.TYPE);
    assertThat(doc.at("/components/schemas/OrderCreated").toString()).isEqualTo(
        "{\"type\":\"object\",\"title\":\"OrderCreated\",\"properties\":{\"orderId\":{\"type\":\"string\"},"
            + "\"customerId\":{\"type\":\"string\"},\"orderTotal\":{\"type\":\"number\"},"
            // the optional note (an optional injection: the codec decodes an event without it)
            + "\"note\":{\"type\":\"string\"}},"
            + "\"required\":[\"orderId\",\"customerId\",\"orderTotal\"]}");
  }

  @Test
  void anEncodedEventMatchesItsMessagesPayloadSchema() throws IOException {
    JsonNode doc = JSON.readTree(document);
    // the payload schema with the document's components, as a standalone draft-07 schema
    String payload = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"allOf\":["
        + doc.at("/components/messages/OrderCreated/payload") + "],\"components\":" + doc.path("components") + "}";
    EventCodec codec = EventCodec.of(EventTypes.builder().register(OrderCreated.TYPE, OrderCreated.class).build());
    String wire = codec.encode(EventTypes.builder().register(OrderCreated.TYPE, OrderCreated.class).build()
        .event("/orders", new OrderCreated("o-1", "c-1", new BigDecimal("60.00"))));

    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(payload, InputFormat.JSON);

    assertThat(schema.validate(wire, InputFormat.JSON)).isEmpty();
    String withNote = codec.encode(EventTypes.builder().register(OrderCreated.TYPE, OrderCreated.class).build()
        .event("/orders", new OrderCreated("o-1", "c-1", new BigDecimal("60.00"), "leave it at the door")));
    assertThat(schema.validate(withNote, InputFormat.JSON)).isEmpty();
    assertThat(schema.validate(withNote.replace("\"leave it at the door\"", "42"), InputFormat.JSON)).isNotEmpty();
    assertThat(schema.validate(wire.replace("\"orderTotal\"", "\"total\""), InputFormat.JSON)).isNotEmpty();
  }

  @Test
  void recordSchemasDescribeOptionalsCollectionsEnumsAndTimes() {
    enum Colour { RED, GREEN }
    record Line(String sku, int quantity) {}
    record Shipment(String id, Optional<String> note, List<Line> lines, Colour colour, Instant at, Map<String, Long> counts) {}

    assertThat(new RecordSchemas().schema(Shipment.class).toString()).isEqualTo("{\"type\":\"object\",\"title\":\"Shipment\","
        + "\"properties\":{\"id\":{\"type\":\"string\"},\"note\":{\"type\":[\"string\",\"null\"]},"
        + "\"lines\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},"
        + "\"quantity\":{\"type\":\"integer\",\"format\":\"int32\"}},\"required\":[\"sku\",\"quantity\"]}},\"colour\":{\"type\":\"string\",\"enum\":[\"RED\",\"GREEN\"]},"
        + "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
        + "\"counts\":{\"type\":\"object\"}},"
        + "\"required\":[\"id\",\"lines\",\"colour\",\"at\",\"counts\"]}");
  }

  private static Schema schema(String resource) throws IOException {
    try (InputStream in = AsyncApiExporterTest.class.getResourceAsStream(resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(text, InputFormat.JSON);
    }
  }
}
