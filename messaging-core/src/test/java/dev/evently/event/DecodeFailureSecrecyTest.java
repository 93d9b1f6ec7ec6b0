package dev.evently.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decode failure path, fed a secret-looking value (a card number) where the parser or the
 * record trips over it: the exception names the attribute or JSON path and what was expected, never
 * the value, has no cause that could quote it, and states its reason once.
 */
class DecodeFailureSecrecyTest {
  static final String SECRET = "4111111111111111";

  enum Tier { GOLD, SILVER }

  record Line(String sku, int quantity) {}

  record Payment(String orderId, BigDecimal amount, boolean captured, Tier tier, List<Line> lines,
      Map<String, BigDecimal> fees, Instant at) {
    Payment {
      if (orderId != null && orderId.length() > 20) {
        throw new IllegalArgumentException("orderId must be at most 20 characters");
      }
      if (amount != null && amount.signum() < 0) {
        throw new NumberFormatException("bad amount " + amount); // not the convention: only the class is shown
      }
    }
  }

  private static final EventCodec CODEC =
      EventCodec.builder().types(EventTypes.builder().register("com.example.payment", Payment.class).build()).maxBytes(4096).build();

  private static final String DATA =
      "{\"orderId\":\"o-1\",\"amount\":12.5,\"captured\":true,\"tier\":\"GOLD\",\"lines\":[{\"sku\":\"s\",\"quantity\":1}],"
          + "\"fees\":{\"card\":0.3},\"at\":\"2026-01-01T00:00:00Z\",\"note\":\"" + SECRET + "\"}";

  static String event(String data) {
    return event("\"time\":\"2026-01-01T00:00:00Z\"", data);
  }

  static String event(String extra, String data) {
    return "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"pay\",\"type\":\"com.example.payment\","
        + "\"cardnote\":\"" + SECRET + "\"," + extra + ",\"data\":" + data + "}";
  }

  static String data(String field, String json) {
    return DATA.replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\[[^]]*]|\\{[^}]*}|[^,}]*)", "\"" + field + "\":" + json);
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Arguments> failures() {
    Map<String, String> none = Map.of();
    return Stream.of(
        failure("not JSON", SECRET + "x", none, DecodeFailure.NOT_JSON),
        failure("not JSON, later in the body", "{\"a\":\"" + SECRET + "\" " + SECRET + "}", none, DecodeFailure.NOT_JSON),
        failure("SNS Message not JSON", "{\"Type\":\"Notification\",\"Message\":\"" + SECRET + "x\"}", none, DecodeFailure.NOT_JSON),
        failure("too large", "\"" + SECRET.repeat(300) + "\"", none, DecodeFailure.TOO_LARGE),
        failure("not an object", "[\"" + SECRET + "\"]", none, DecodeFailure.NOT_CLOUDEVENT),
        failure("no specversion", "{\"card\":\"" + SECRET + "\"}", none, DecodeFailure.NOT_CLOUDEVENT),
        failure("specversion", event(DATA).replace("\"1.0\"", "\"" + SECRET + "\""), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("id a number", event(DATA).replace("\"e-1\"", SECRET), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("source missing", event(DATA).replace("\"source\":\"pay\",", ""), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("time", event("\"time\":\"" + SECRET + "\"", DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("dataschema", event("\"dataschema\":\"http://x/ " + SECRET + "\"", DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("extension an object", event("\"card\":{\"n\":\"" + SECRET + "\"}", DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("extension a decimal", event("\"card\":" + SECRET + ".5", DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("subject a number", event("\"subject\":" + SECRET, DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("data and data_base64", event("\"data_base64\":\"" + base64(SECRET) + "\"", DATA), none, DecodeFailure.NOT_CLOUDEVENT),
        failure("binary: time", DATA, Map.of("ce_specversion", "1.0", "ce_id", "e", "ce_source", "s",
            "ce_type", "com.example.payment", "ce_time", SECRET), DecodeFailure.NOT_CLOUDEVENT),
        failure("binary: specversion", DATA, Map.of("ce_specversion", SECRET, "ce_id", "e"), DecodeFailure.NOT_CLOUDEVENT),
        failure("type not registered", event(DATA).replace("com.example.payment", SECRET), none, DecodeFailure.UNKNOWN_TYPE),
        failure("datacontenttype", event("\"datacontenttype\":\"text/" + SECRET + "\"", DATA), none, DecodeFailure.INVALID_DATA),
        failure("data_base64 not base64", event("\"data_base64\":\"" + SECRET + "!\"", "null"), none, DecodeFailure.INVALID_DATA),
        failure("data_base64 not JSON", event("\"data_base64\":\"" + base64(SECRET + "x") + "\"", "null"), none, DecodeFailure.INVALID_DATA),
        failure("data a string", event("\"" + SECRET + "\""), none, DecodeFailure.INVALID_DATA),
        failure("data missing", event(DATA).replaceAll(",\"data\":.*}$", "}") + "", none, DecodeFailure.INVALID_DATA),
        failure("number field", event(data("amount", "\"" + SECRET + "x\"")), none, DecodeFailure.INVALID_DATA),
        failure("boolean field", event(data("captured", "\"" + SECRET + "\"")), none, DecodeFailure.INVALID_DATA),
        failure("enum field", event(data("tier", "\"" + SECRET + "\"")), none, DecodeFailure.INVALID_DATA),
        failure("instant field", event(data("at", "\"" + SECRET + "x\"")), none, DecodeFailure.INVALID_DATA),
        failure("array element", event(data("lines", "[{\"sku\":\"s\",\"quantity\":\"" + SECRET + "x\"}]")), none, DecodeFailure.INVALID_DATA),
        failure("map key", event(data("fees", "{\"" + SECRET + "\":\"x\"}")), none, DecodeFailure.INVALID_DATA),
        failure("number too large for int", event(data("lines", "[{\"sku\":\"s\",\"quantity\":" + SECRET + "}]")), none, DecodeFailure.INVALID_DATA),
        failure("field missing", event(data("orderId", "null").replace("\"orderId\":null,", "")), none, DecodeFailure.INVALID_DATA),
        failure("record rejects it", event(data("orderId", "\"" + SECRET + "-too-long\"")), none, DecodeFailure.INVALID_DATA),
        failure("record throws another exception", event(data("amount", "-" + SECRET)), none, DecodeFailure.INVALID_DATA));
  }

  private static Arguments failure(String name, String body, Map<String, String> attributes, DecodeFailure reason) {
    return Arguments.of(name, body, attributes, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failureNamesNoValue(String name, String body, Map<String, String> attributes, DecodeFailure reason) {
    assertThat(body + attributes).contains(SECRET);
    assertThatThrownBy(() -> CODEC.decode(body, attributes, Instant.EPOCH))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
              assertThat(e.getMessage()).doesNotContain(SECRET).startsWith(reason + ": ")
                  .doesNotContain(reason + ": " + reason);
              assertThat(e.getCause()).isNull();
            });
  }
}
