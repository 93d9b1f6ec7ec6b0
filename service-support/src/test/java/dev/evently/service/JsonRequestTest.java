package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonRequestTest {
  private static JsonRequest parse(String json) {
    return JsonRequest.parse(json.getBytes(StandardCharsets.UTF_8), Set.of("name"));
  }

  @Test
  void textWithALineBreakIsRefusedSoThatItCannotForgeLogLines() {
    assertThat(parse("{\"name\":\" Ada \"}").text("name", 10)).isEqualTo("Ada");
    assertThatThrownBy(() -> parse("{\"name\":\"a\\n12:00:00 ERROR forged\"}").text("name", 100))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.field()).isEqualTo("name");
          assertThat(e.getMessage()).isEqualTo("name must not contain control characters");
        });
  }
}
