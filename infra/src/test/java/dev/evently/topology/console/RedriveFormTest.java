package dev.evently.topology.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.topology.dlq.RedriveOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedriveFormTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

  private static RedriveOptions parse(String json) throws Exception {
    return RedriveForm.parse(JSON.readTree(json), CLOCK);
  }

  @Test
  void emptyFormMeansEveryMessageAtTheDefaultRate() throws Exception {
    RedriveOptions o = parse("{\"type\":\"\",\"limit\":\"\"}");

    assertThat(o.type()).isEmpty();
    assertThat(o.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(o.ratePerSecond()).isEqualTo(RedriveForm.DEFAULT_RATE);
  }

  @Test
  void everyFilterIsRead() throws Exception {
    RedriveOptions o = parse("{\"type\":\"dev.evently.saga.order.created\",\"reason\":\"HANDLER_REJECTED\",\"since\":\"2h\","
        + "\"limit\":\"25\",\"rate\":10}");

    assertThat(o.type()).contains("dev.evently.saga.order.created");
    assertThat(o.reason()).contains("HANDLER_REJECTED");
    assertThat(o.since()).contains(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(o.limit()).isEqualTo(25);
    assertThat(o.ratePerSecond()).isEqualTo(10);
    assertThat(parse("{\"since\":\"2026-11-30\"}").since()).isEqualTo(Optional.of(Instant.parse("2026-11-30T00:00:00Z")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"since\":\"yesterday\"}                | since",
      "{\"since\":5}                            | since",
      "{\"limit\":0}                            | limit",
      "{\"limit\":\"ten\"}                      | limit",
      "{\"limit\":1.5}                          | limit",
      "{\"rate\":9999}                          | rate",
      "{\"reason\":\"handler rejected\"}        | reason",
      "{\"type\":[\"a\"]}                       | type",
      "{\"type\":\"a\\u0000b\"}                 | type",
  })
  void badFiltersNameTheFieldAndNeverTheValue(String json, String field) {
    assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).doesNotContain("yesterday", "ten", "handler rejected", "9999");
    });
  }

  @Test
  void unknownMembersAreRefusedWithoutNamingThem() throws Exception {
    JsonNode body = JSON.readTree("{\"<img src=x>\":1}");

    assertThatThrownBy(() -> RedriveForm.parse(body, CLOCK)).hasMessageNotContaining("img")
        .hasMessageContaining("unknown member");
  }
}
