package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {
  @Test
  void absentHeaderIsNoKey() {
    assertThat(IdempotencyKey.of(request(Map.of()))).isNull();
  }

  @Test
  void validKeysAreReturnedWithoutQuotesOrSurroundingSpace() {
    assertThat(IdempotencyKey.of(request(Map.of("idempotency-key", List.of("k-1"))))).isEqualTo("k-1");
    assertThat(IdempotencyKey.of(request(Map.of("Idempotency-Key", List.of(" \"k-1\" "))))).isEqualTo("k-1");
    String longest = "!#[]~".repeat(51);
    assertThat(IdempotencyKey.of(request(Map.of("Idempotency-Key", List.of(longest))))).isEqualTo(longest);
  }

  @Test
  void invalidKeysAre400NamingTheHeader() {
    for (String key : List.of("", " ", "x".repeat(256), "a b", "a\"b", "a\\b", "\"\"", "cl\u00e9", "a\tb")) {
      assertThatThrownBy(() -> IdempotencyKey.of(request(Map.of("Idempotency-Key", List.of(key)))))
          .as("key [%s]", key)
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo("Idempotency-Key");
          });
    }
  }

  @Test
  void theHeaderSentTwiceIs400() {
    assertThatThrownBy(() -> IdempotencyKey.of(request(Map.of("Idempotency-Key", List.of("k", "k")))))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aReusedKeyIs422NamingTheHeader() {
    ApiException e = IdempotencyKey.reused("a customer", "name or creditLimit");
    assertThat(e.status()).isEqualTo(422);
    assertThat(e.field()).isEqualTo("Idempotency-Key");
    assertThat(e.getMessage()).isEqualTo("Idempotency-Key was already used for a customer with another name or creditLimit");
  }

  /** The values of the header, found case-insensitively, as a servlet container hands them over. */
  private static List<String> request(Map<String, List<String>> headers) {
    return headers.entrySet().stream()
        .filter(h -> h.getKey().equalsIgnoreCase(IdempotencyKey.HEADER))
        .flatMap(h -> h.getValue().stream())
        .toList();
  }
}
