package dev.evently.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.EventlyMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One connection pool per service, on its own H2 file database (PostgreSQL works the same way). */
public final class Databases {
  private Databases() {}

  /**
   * A pool on the H2 file database at {@code file}, with the evently tables (outbox, dedup rows)
   * and the service's own table created. {@code WRITE_DELAY=0} makes every commit durable before
   * it returns (H2 otherwise delays the write up to 500 ms): a process killed right after
   * deleting a message or publishing an outbox row must not lose the transaction behind it.
   */
  public static HikariDataSource h2File(Path file, String createTableSql) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000");
    config.setMaximumPoolSize(10);
    HikariDataSource dataSource = new HikariDataSource(config);
    EventlyMigrations.migrate(dataSource); // evently_outbox and evently_processed_events
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(createTableSql); // the application's own schema (Flyway or Liquibase in a real one)
    }
    return dataSource;
  }
}
