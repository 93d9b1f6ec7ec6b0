package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The publisher's size check follows the topic's MaximumMessageSize. */
class TopicLimitsTest {
  @Test
  void aTopicWithoutTheAttributeTakesSnsDefault() {
    assertThat(TopicLimits.maxMessageBytes(Map.of())).isEqualTo(262_144);
    assertThat(TopicLimits.maxMessageBytes(null)).isEqualTo(262_144);
  }

  @Test
  void aLargeTopicRaisesTheLimit() {
    assertThat(TopicLimits.maxMessageBytes(Map.of("MaximumMessageSize", "1048576"))).isEqualTo(1_048_576);
    assertThat(TopicLimits.maxMessageBytes(Map.of("MaximumMessageSize", "2048"))).isEqualTo(2048);
  }

  @Test
  void anUnreadableOrOutOfRangeValueFallsBackToTheDefault() {
    assertThat(TopicLimits.maxMessageBytes(Map.of("MaximumMessageSize", "lots"))).isEqualTo(262_144);
    assertThat(TopicLimits.maxMessageBytes(Map.of("MaximumMessageSize", "2000000"))).isEqualTo(262_144);
    assertThat(TopicLimits.maxMessageBytes(Map.of("MaximumMessageSize", "100"))).isEqualTo(262_144);
  }
}
