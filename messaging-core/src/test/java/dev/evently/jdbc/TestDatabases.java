package dev.evently.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Databases for tests: a private in-memory H2 database, or a fresh schema on the PostgreSQL at
 * 127.0.0.1:5432 (database {@code test}, user {@code postgres}). A missing PostgreSQL fails the
 * test with a message saying so; it never skips.
 */
public final class TestDatabases {
  public static final String POSTGRES_URL =
      System.getProperty("evently.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String POSTGRES_USER = System.getProperty("evently.test.postgres.user", "postgres");

  private TestDatabases() {}

  /** A new, empty H2 database with the evently tables. */
  public static HikariDataSource h2(String name) {
    HikariDataSource ds = h2Empty(name);
    EventlyMigrations.migrate(ds);
    return ds;
  }

  /** A new H2 database without any table. */
  public static HikariDataSource h2Empty(String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=1000");
    config.setMaximumPoolSize(20);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  /** A new, empty schema on the test PostgreSQL, with the evently tables in it. */
  public static HikariDataSource postgres(String prefix) {
    HikariDataSource ds = postgresEmpty(prefix);
    EventlyMigrations.migrate(ds, EventlyMigrations.Options.defaults().withSchema(ds.getSchema()));
    return ds;
  }

  /** A new schema on the test PostgreSQL without any table; connections use it as their schema. */
  public static HikariDataSource postgresEmpty(String prefix) {
    String schema = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL is not reachable at " + POSTGRES_URL + " as user " + POSTGRES_USER
              + " (the PostgreSQL tests need it; start it, e.g. pg_ctlcluster 15 main start): " + e.getMessage(),
          e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(POSTGRES_URL);
    config.setUsername(POSTGRES_USER);
    config.setSchema(schema);
    config.setMaximumPoolSize(20);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  /** Drops the schema created by {@link #postgres} and closes the pool. */
  public static void dropPostgres(HikariDataSource ds) {
    if (ds == null) {
      return;
    }
    String schema = ds.getSchema();
    ds.close();
    try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long count(javax.sql.DataSource ds, String sql) {
    return Long.parseLong(string(ds, sql));
  }

  /** The single value {@code sql} selects, as a string. */
  public static String string(javax.sql.DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement in auto-commit mode. */
  public static void execute(javax.sql.DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
