package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.TestDatabases;
import dev.evently.publish.EncodedMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A row written by the outbox table of before migration V4 is published after the upgrade. */
class H2OutboxUpgradeTest {

  @Test
  void aRowWrittenBeforeTheUpgradeIsPublishedAfterIt() throws Exception {
    try (HikariDataSource ds = TestDatabases.h2Empty("upgrade")) {
      OutboxUpgradeSupport.migrateToVersion3(ds, null);
      Event<OrderPlaced> old = OrderPlaced.event("o-1", 1);
      OutboxUpgradeSupport.insertAsVersion3(ds, "order-events", old, OrderPlaced.CODEC);

      assertThat(EventlyMigrations.migrate(ds)).as("V4 ran").isEqualTo(1);
      RecordingPublisher sns = new RecordingPublisher();
      OutboxRelay relay =
          OutboxRelay.builder()
              .dataSource(ds)
              .outbox(Outbox.builder().codec(OrderPlaced.CODEC).build())
              .publishers(Map.of("order-events", sns))
              .build();

      assertThat(relay.relayOnce()).isEqualTo(1);
      EncodedMessage sent = sns.messages().get(0);
      assertThat(sent.body()).isEqualTo(OrderPlaced.CODEC.encode(old));
      assertThat(sent.attributes()).isEqualTo(Map.of(EventAttributes.TYPE, "OrderPlaced"));
      assertThat(sent.messageGroupId()).isEqualTo("o-1");
      assertThat(sns.published()).containsExactly(old);
    }
  }
}
