package dev.evently.outbox;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.internal.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The outbox table as an older version of evently had it, and wrote it. */
final class OutboxUpgradeSupport {
  private OutboxUpgradeSupport() {}

  /** Creates the evently tables as of migration V3 (before the stored message) in {@code schema} (null: current). */
  static void migrateToVersion3(DataSource ds, String schema) {
    var config =
        Flyway.configure(EventlyMigrations.class.getClassLoader())
            .dataSource(ds)
            .locations("classpath:db/evently/" + Dialect.of(ds).folder())
            .table(EventlyMigrations.DEFAULT_HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .target("3")
            .placeholders(
                Map.of(
                    "evently_outbox_table", EventlyMigrations.DEFAULT_OUTBOX_TABLE,
                    "evently_dedup_table", EventlyMigrations.DEFAULT_DEDUP_TABLE));
    if (schema != null) {
      config.schemas(schema).defaultSchema(schema);
    }
    config.load().migrate();
  }

  /** Inserts {@code event} exactly as {@code Outbox.publish} of evently before V4 did, and commits. */
  static void insertAsVersion3(DataSource ds, String topic, Event<?> event, EventCodec codec) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO evently_outbox (event_id, topic, msg_key, event_type, payload) VALUES (?, ?, ?, ?, ?)")) {
      c.setAutoCommit(true);
      ps.setString(1, event.id());
      ps.setString(2, topic);
      ps.setString(3, event.subject());
      ps.setString(4, event.type());
      ps.setString(5, codec.encode(event));
      ps.executeUpdate();
    }
  }
}
