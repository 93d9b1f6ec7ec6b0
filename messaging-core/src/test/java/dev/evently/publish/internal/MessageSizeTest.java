package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageSizeTest {

  @Test
  void countsUtf8BytesLikeEncodingDoes() {
    for (String s : new String[] {"", "abc", "é", "€ and ü", "emoji 😀!", "日本語", "lone \uD800 surrogate"}) {
      int expected = s.getBytes(StandardCharsets.UTF_8).length;
      assertThat(MessageSize.utf8Length(s)).as(s).isEqualTo(expected);
    }
  }

  @Test
  void anAttributeCountsItsNameTypeAndValue() {
    assertThat(MessageSize.stringAttribute("event-type", "OrderCreated")).isEqualTo(10 + 6 + 12);
  }
}
