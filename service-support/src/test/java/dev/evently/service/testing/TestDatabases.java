package dev.evently.service.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import dev.evently.service.Transactions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Fresh, empty databases for service tests: an in-memory H2, or a new schema on the PostgreSQL at
 * 127.0.0.1:5432 (database {@code test}, user {@code postgres}; system properties {@code
 * evently.test.postgres.url} / {@code .user} override). A missing PostgreSQL fails the test; it
 * never skips.
 */
public final class TestDatabases {
  private static final String URL =
      System.getProperty("evently.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = System.getProperty("evently.test.postgres.user", "postgres");

  private TestDatabases() {}

  /** A new in-memory H2 database (lock timeout 10 s, like the services' default) with {@code poolSize} connections. */
  public static HikariDataSource h2(int poolSize) {
    return Database.open(
        "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "test", poolSize);
  }

  /** Creates {@code schema} on PostgreSQL and a pool whose connections use it. */
  public static HikariDataSource postgresSchema(String schema, int poolSize) {
    execute("CREATE SCHEMA " + schema);
    return Database.open(URL + "?user=" + USER + "&currentSchema=" + schema, "test", poolSize);
  }

  /** Closes {@code dataSource} (if any) and drops {@code schema} with everything in it. */
  public static void dropPostgresSchema(HikariDataSource dataSource, String schema) {
    if (dataSource != null) {
      dataSource.close();
    }
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** The number of rows in {@code table}. */
  public static int count(DataSource dataSource, String table) {
    return Transactions.inTransaction(dataSource, tx -> {
      try (ResultSet rs = tx.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
        rs.next();
        return rs.getInt(1);
      }
    });
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
