package dev.evently.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class EventlyMigrationsTest {

  @Test
  void migratingTwiceRunsTheMigrationsOnceWithTheConfiguredTableNames() {
    try (HikariDataSource ds = TestDatabases.h2("migrations")) {
      var options =
          EventlyMigrations.Options.defaults().withOutboxTable("my_outbox").withDedupTable("my_dedup");
      assertThat(EventlyMigrations.migrate(ds, options.withHistoryTable("other_history"))).isEqualTo(4);
      assertThat(EventlyMigrations.migrate(ds, options.withHistoryTable("other_history"))).isZero();
      assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM my_outbox")).isZero();
      assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM my_dedup")).isZero();
    }
  }

  @Test
  void tableNamesMustBeIdentifiers() {
    assertThatThrownBy(() -> EventlyMigrations.Options.defaults().withOutboxTable("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outboxTable");
    assertThatThrownBy(() -> EventlyMigrations.Options.defaults().withDedupTable("s.t"))
        .hasMessageContaining("dedupTable must not be schema-qualified");
  }
}
