package dev.evently.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the codec accepts from foreign CloudEvents 1.0 producers and why it refuses the rest: the
 * spec's own examples, each required attribute missing, a wrong specversion, data as a JSON value,
 * a string or base64, structured mode (raw and SNS-wrapped) and binary mode ({@code ce_*} / {@code
 * ce-*} message attributes). docs/INTEROP.md summarises this matrix.
 */
class CloudEventsConformanceTest {
  record SomeEvent(String appinfoA, int appinfoB, boolean appinfoC) {}

  private static final ObjectMapper JSON = EventCodec.defaultMapper();
  private static final Instant SENT = Instant.parse("2026-03-01T10:00:00.123Z");
  private static final String SNS_TIMESTAMP = "2026-03-01T09:59:59.500Z";
  private static final String DATA = "{\"appinfoA\":\"abc\",\"appinfoB\":123,\"appinfoC\":true}";

  private final EventCodec codec =
      EventCodec.of(EventTypes.builder().register("com.example.someevent", SomeEvent.class).build());

  /** The example of the CloudEvents JSON format spec (section 5.1), with JSON data. */
  static ObjectNode specExample() {
    ObjectNode e = JSON.createObjectNode();
    e.put("specversion", "1.0");
    e.put("type", "com.example.someevent");
    e.put("source", "/mycontext");
    e.put("id", "A234-1234-1234");
    e.put("time", "2018-04-05T17:31:00Z");
    e.put("comexampleextension1", "value");
    e.put("comexampleothervalue", 5);
    e.put("datacontenttype", "application/json");
    e.set("data", data());
    return e;
  }

  static ObjectNode data() {
    try {
      return (ObjectNode) JSON.readTree(DATA);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String with(Consumer<ObjectNode> change) {
    ObjectNode e = specExample();
    change.accept(e);
    return e.toString();
  }

  static ObjectNode drop(ObjectNode node, String... names) {
    for (String name : names) {
      node.remove(name);
    }
    return node;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String snsNotification(String message, Map<String, String> attributes) {
    ObjectNode n = JSON.createObjectNode();
    n.put("Type", "Notification");
    n.put("MessageId", "m-1");
    n.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:t");
    n.put("Message", message);
    n.put("Timestamp", SNS_TIMESTAMP);
    ObjectNode a = n.putObject("MessageAttributes");
    attributes.forEach((k, v) -> a.putObject(k).put("Type", "String").put("Value", v));
    return n.toString();
  }

  /** Binary mode: the required attributes as message attributes with {@code prefix}. */
  static Map<String, String> binary(String prefix) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(prefix + "specversion", "1.0");
    a.put(prefix + "id", "b-1");
    a.put(prefix + "source", "/mycontext");
    a.put(prefix + "type", "com.example.someevent");
    a.put("event-type", "ignored: not a CloudEvents attribute");
    return a;
  }

  static Map<String, String> binaryWith(String name, String value) {
    Map<String, String> a = binary("ce_");
    if (value == null) {
      a.remove(name);
    } else {
      a.put(name, value);
    }
    return a;
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        // structured mode
        refused("not JSON", "<much wow=\"xml\"/>", Map.of(), DecodeFailure.NOT_JSON),
        refused("JSON followed by more text", "{\"a\":1} trailing", Map.of(), DecodeFailure.NOT_JSON),
        refused("JSON, not an object", "[1,2]", Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("specversion missing", with(e -> e.remove("specversion")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("id missing", with(e -> e.remove("id")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("source missing", with(e -> e.remove("source")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("type missing", with(e -> e.remove("type")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("id empty", with(e -> e.put("id", "")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("id a number", with(e -> e.put("id", 42)), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("specversion 0.3", with(e -> e.put("specversion", "0.3")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("specversion 1.0 as a number", with(e -> e.put("specversion", 1.0)), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("time not RFC 3339", with(e -> e.put("time", "yesterday")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("dataschema not a URI", with(e -> e.put("dataschema", "http://exa mple")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("extension name upper-case", with(e -> e.put("comExample", "v")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("extension name with '_'", with(e -> e.put("com_example", "v")), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("extension an object", with(e -> e.putObject("comexample").put("a", 1)), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("extension a decimal", with(e -> e.put("comexample", 1.5)), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("data and data_base64", with(e -> e.put("data_base64", base64(DATA))), Map.of(), DecodeFailure.NOT_CLOUDEVENT),
        refused("type not registered", with(e -> e.put("type", "com.example.other")), Map.of(), DecodeFailure.UNKNOWN_TYPE),
        refused("data missing", with(e -> e.remove("data")), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data a JSON string holding JSON", with(e -> e.put("data", DATA)), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data XML (spec example)", with(e -> e.put("datacontenttype", "text/xml").put("data", "<much wow=\"xml\"/>")),
            Map.of(), DecodeFailure.INVALID_DATA),
        refused("data_base64 Thrift (spec example)", with(e -> {
              e.remove("data");
              e.put("datacontenttype", "application/vnd.apache.thrift.binary").put("data_base64", base64("\u0001thrift"));
            }), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data_base64 not base64", with(e -> drop(e, "data").put("data_base64", "%%%")), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data_base64 not JSON", with(e -> drop(e, "data").put("data_base64", base64("hello"))), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data of the wrong shape", with(e -> e.set("data", data().put("appinfoB", "many"))), Map.of(), DecodeFailure.INVALID_DATA),
        refused("data missing a field", with(e -> e.set("data", drop(data(), "appinfoC"))), Map.of(), DecodeFailure.INVALID_DATA),
        refused("SNS Message not JSON", snsNotification("hello", Map.of()), Map.of(), DecodeFailure.NOT_JSON),
        // binary mode
        refused("binary: body not JSON", "<much wow=\"xml\"/>", binary("ce_"), DecodeFailure.NOT_JSON),
        refused("binary: no ce_specversion (so: structured, and not a CloudEvent)", DATA, binaryWith("ce_specversion", null),
            DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: ce_id missing", DATA, binaryWith("ce_id", null), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: ce_source missing", DATA, binaryWith("ce_source", null), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: ce_type missing", DATA, binaryWith("ce_type", null), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: specversion 0.3", DATA, binaryWith("ce_specversion", "0.3"), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: bad extension name", DATA, binaryWith("ce_com_example", "v"), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: ce_id and ce-id", DATA, binaryWith("ce-id", "b-2"), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: time not RFC 3339", DATA, binaryWith("ce_time", "noon"), DecodeFailure.NOT_CLOUDEVENT),
        refused("binary: type not registered", DATA, binaryWith("ce_type", "com.example.other"), DecodeFailure.UNKNOWN_TYPE),
        refused("binary: XML content type", DATA, binaryWith("ce_datacontenttype", "application/xml"), DecodeFailure.INVALID_DATA),
        refused("binary: data of the wrong shape", "{\"appinfoA\":1}", binary("ce_"), DecodeFailure.INVALID_DATA));
  }

  private static Arguments refused(String name, String body, Map<String, String> attributes, DecodeFailure reason) {
    return Arguments.of(name, body, attributes, reason);
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("refused")
  void refuses(String name, String body, Map<String, String> attributes, DecodeFailure reason) {
    assertThatThrownBy(() -> codec.decode(body, attributes, SENT))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
              assertThat(e.getMessage()).startsWith(reason + ": ").doesNotContain(reason + ": " + reason);
              assertThat(e.getCause()).isNull();
            });
  }

  @Test
  void acceptsTheSpecExampleAndKeepsItsExtensions() throws Exception {
    DecodedEvent decoded = codec.decode(specExample().toString(), Map.of(), SENT);

    Event<?> e = decoded.event();
    assertThat(decoded.timeDerived()).isFalse();
    assertThat(e.time()).isEqualTo(Instant.parse("2018-04-05T17:31:00Z"));
    assertThat(e.id()).isEqualTo("A234-1234-1234");
    assertThat(e.source()).isEqualTo("/mycontext");
    assertThat(e.dataContentType()).isEqualTo("application/json");
    assertThat(e.extensions()).isEqualTo(Map.of("comexampleextension1", "value", "comexampleothervalue", 5));
    assertThat(e.data()).isEqualTo(new SomeEvent("abc", 123, true));
  }

  @Test
  void reEncodingKeepsEveryAttribute() throws Exception {
    String foreign = with(e -> e.put("dataschema", "https://example.com/schemas/some.json")
        .put("datacontenttype", "application/vnd.example+json; charset=utf-8")
        .put("subject", "s-1").put("comexampleflag", true).put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    Event<?> decoded = codec.decode(foreign);
    Event<?> again = codec.decode(codec.encode(decoded));

    assertThat(again).isEqualTo(decoded);
    assertThat(again.dataSchema()).isEqualTo("https://example.com/schemas/some.json");
    assertThat(again.dataContentType()).isEqualTo("application/vnd.example+json; charset=utf-8");
    assertThat(again.extensions()).containsEntry("comexampleflag", true).containsEntry("comexampleothervalue", 5);
    assertThat(JSON.readTree(codec.encode(decoded)).get("comexampleothervalue").isInt()).isTrue();
  }

  @Test
  void timeIsOptionalAndThenTakenFromTheSentTime() throws Exception {
    DecodedEvent decoded = codec.decode(with(e -> e.remove("time")), Map.of(), SENT);

    assertThat(decoded.timeDerived()).isTrue();
    assertThat(decoded.event().time()).isEqualTo(SENT);
  }

  @Test
  void timeIsOptionalAndThenTakenFromTheSnsTimestampWhenWrapped() throws Exception {
    DecodedEvent decoded = codec.decode(snsNotification(with(e -> e.remove("time")), Map.of()), Map.of(), SENT);

    assertThat(decoded.timeDerived()).isTrue();
    assertThat(decoded.event().time()).isEqualTo(Instant.parse(SNS_TIMESTAMP));
  }

  @Test
  void timeWithAnOffsetIsAccepted() throws Exception {
    Event<?> e = codec.decode(with(n -> n.put("time", "2018-04-05T19:31:00.5+02:00")));

    assertThat(e.time()).isEqualTo(Instant.parse("2018-04-05T17:31:00.500Z"));
  }

  @Test
  void withoutASentTimeTheTimeOfDecodingIsUsed() throws Exception {
    Instant before = Instant.now();
    DecodedEvent decoded = codec.decode(with(e -> e.remove("time")), null, null);

    assertThat(decoded.timeDerived()).isTrue();
    assertThat(decoded.event().time()).isBetween(before, Instant.now());
  }

  @Test
  void onlyTheRequiredAttributesAreEnough() throws Exception {
    String minimal = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"com.example.someevent\",\"data\":" + DATA + "}";

    Event<?> e = codec.decode(minimal);

    assertThat(e.subject()).isNull();
    assertThat(e.extensions()).isEmpty();
    assertThat(e.dataContentType()).isEqualTo("application/json");
  }

  @Test
  void anAttributeGivenAsNullIsAbsent() throws Exception {
    Event<?> e = codec.decode(with(n -> n.putNull("subject").putNull("comexampleextension1")));

    assertThat(e.subject()).isNull();
    assertThat(e.extensions()).doesNotContainKey("comexampleextension1");
  }

  @Test
  void acceptsBase64DataWithAJsonContentTypeOrNone() throws Exception {
    String withType = with(e -> drop(e, "data").put("data_base64", base64(DATA)));
    String withoutType = with(e -> drop(e, "data", "datacontenttype").put("data_base64", base64(DATA)));

    assertThat(codec.decode(withType).data()).isEqualTo(new SomeEvent("abc", 123, true));
    assertThat(codec.decode(withoutType).data()).isEqualTo(new SomeEvent("abc", 123, true));
  }

  @Test
  void acceptsBinaryModeWithEitherPrefixAndKeepsExtensions() throws Exception {
    Map<String, String> underscore = binary("ce_");
    underscore.put("ce_comexampleextension1", "value");
    underscore.put("ce_time", "2018-04-05T17:31:00Z");
    Map<String, String> dash = binary("ce-");
    dash.put("content-type", "application/json");
    dash.put("CE-Subject", "s-1");

    DecodedEvent first = codec.decode(DATA, underscore, SENT);
    DecodedEvent second = codec.decode(DATA, dash, SENT);

    assertThat(first.event().data()).isEqualTo(new SomeEvent("abc", 123, true));
    assertThat(first.event().extensions()).containsExactlyEntriesOf(Map.of("comexampleextension1", "value"));
    assertThat(first.timeDerived()).isFalse();
    assertThat(second.event().subject()).isEqualTo("s-1");
    assertThat(second.timeDerived()).isTrue();
    assertThat(second.event().time()).isEqualTo(SENT);
  }

  @Test
  void acceptsBinaryModeWrappedInAnSnsNotification() throws Exception {
    DecodedEvent decoded = codec.decode(snsNotification(DATA, binary("ce_")), Map.of(), SENT);

    assertThat(decoded.event().id()).isEqualTo("b-1");
    assertThat(decoded.event().time()).isEqualTo(Instant.parse(SNS_TIMESTAMP));
    assertThat(decoded.event().data()).isEqualTo(new SomeEvent("abc", 123, true));
  }

  @Test
  void aStructuredBodyWinsOverCeAttributes() throws Exception {
    Event<?> e = codec.decode(specExample().toString(), binaryWith("ce_id", "from-attributes"), SENT).event();

    assertThat(e.id()).isEqualTo("A234-1234-1234");
  }
}
