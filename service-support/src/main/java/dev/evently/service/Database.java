package dev.evently.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * Opens a service's connection pool and brings its schema up to date with Flyway.
 *
 * <p>The JDBC URL comes from {@code DATABASE_URL}; without it the service uses an embedded H2 file
 * under {@code ./data/}. PostgreSQL URLs carry user and password as parameters
 * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}).
 */
public final class Database {
  private Database() {}

  /** The default JDBC URL of {@code service}: an H2 file database under {@code ./data/}. */
  public static String defaultUrl(String service) {
    return h2File("./data/" + service);
  }

  /**
   * The JDBC URL of an H2 file database at {@code path}. {@code WRITE_DELAY=0} writes every commit
   * to the file before the commit returns (H2's default delays it up to 500 ms): a killed process
   * must not lose a transaction whose message was already acknowledged or whose reply published.
   */
  public static String h2File(String path) {
    return "jdbc:h2:file:" + path + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
  }

  /**
   * A pool of at most {@code maxPoolSize} connections to {@code jdbcUrl}.
   *
   * @throws IllegalStateException naming the URL (without credentials) when the database cannot be
   *     reached or migrated
   */
  public static HikariDataSource open(String jdbcUrl, String poolName, int maxPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName(poolName);
    config.setMaximumPoolSize(maxPoolSize);
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(10_000);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Applies the migrations under {@code classpath:location}, tracked in {@code historyTable}: each
   * set of migrations (a library's, the service's) keeps its own history table so they number
   * their versions independently.
   */
  public static void migrate(javax.sql.DataSource dataSource, String location, String historyTable) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:" + location)
        .table(historyTable)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** Whether a connection can be had and answers within {@code timeoutSeconds}. */
  public static void ping(javax.sql.DataSource dataSource, int timeoutSeconds) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!c.isValid(timeoutSeconds)) {
        throw new SQLException("connection is not valid");
      }
    }
  }

  static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
