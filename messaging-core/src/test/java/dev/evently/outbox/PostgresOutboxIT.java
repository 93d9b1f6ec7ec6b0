package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostgresOutboxIT extends OutboxContract {
  private HikariDataSource ds;

  @Override
  protected DataSource dataSource() {
    return ds = TestDatabases.postgres("outbox");
  }

  @AfterEach
  void drop() {
    TestDatabases.dropPostgres(ds);
  }

  @Test
  void onPostgresqlTheRelayWorksOnAsManyBatchesAtOnceAsConfigured() {
    OutboxRelay.Builder builder =
        OutboxRelay.builder().dataSource(ds).outbox(Outbox.builder().codec(OrderPlaced.CODEC).build())
            .publishers(Map.of("order-events", new RecordingPublisher()));
    assertThat(builder.build().concurrency()).isEqualTo(2);
    assertThat(builder.concurrency(1).build().concurrency()).isEqualTo(1);
    assertThat(builder.concurrency(4).build().concurrency()).isEqualTo(4);
    assertThatThrownBy(() -> builder.concurrency(0)).hasMessage("concurrency must be 1..16");
  }
}
