package dev.evently.customers;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The idempotency-key contract on the PostgreSQL at 127.0.0.1:5432 (database {@code test}, user
 * {@code postgres}), in a fresh schema per test. A missing PostgreSQL fails the test; it never
 * skips.
 */
class IdempotencyKeyPostgresTest extends IdempotencyKeyContract {
  private static final String URL =
      System.getProperty("evently.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = System.getProperty("evently.test.postgres.user", "postgres");

  private String schema;

  @Override
  HikariDataSource openDatabase() {
    schema = "customers_keys_" + UUID.randomUUID().toString().substring(0, 8);
    execute("CREATE SCHEMA " + schema);
    HikariDataSource ds = Database.open(URL + "?user=" + USER + "&currentSchema=" + schema, "test", 12);
    Database.migrate(ds, "db/customers", "customers_schema_history");
    return ds;
  }

  @Override
  void dropDatabase(HikariDataSource dataSource) {
    if (dataSource != null) {
      dataSource.close();
    }
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(URL, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL is not reachable at " + URL + " as user " + USER + " (these tests need it): " + e.getMessage(), e);
    }
  }
}
