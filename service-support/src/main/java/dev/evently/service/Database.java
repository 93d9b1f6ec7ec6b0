package dev.evently.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a service's connection pool and brings its schema up to date with Flyway.
 *
 * <p>The JDBC URL comes from {@code DATABASE_URL}; without it the service uses an embedded H2 file
 * under {@code ./data/} ({@link #defaultUrl}). An H2 file URL always gets {@code WRITE_DELAY=0}
 * ({@link #durable}). PostgreSQL URLs carry user and password as parameters
 * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}).
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final String H2 = "jdbc:h2:";
  private static final String WRITE_DELAY = "WRITE_DELAY";

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
   * {@code jdbcUrl} as a service must open it: an embedded H2 file database ({@code
   * jdbc:h2:file:PATH} or {@code jdbc:h2:PATH}) writes every commit to its file before the commit
   * returns, as {@link #h2File} does. Without a {@code WRITE_DELAY} setting the URL gets {@code
   * ;WRITE_DELAY=0} (logged at INFO); with {@code WRITE_DELAY=0} it is kept; any other value is
   * refused, because H2 would then keep commits in memory for that long and a killed service would
   * lose work it had already acknowledged (a 201/202, a deleted message, a published reply). Other
   * URLs (PostgreSQL, H2 in memory or over TCP) are returned unchanged.
   *
   * @param property where the URL came from ({@code DATABASE_URL}), named in the message
   * @throws IllegalArgumentException naming {@code property} when the URL sets another write delay
   */
  public static String durable(String jdbcUrl, String property) {
    if (!isH2File(jdbcUrl)) {
      return jdbcUrl;
    }
    String[] parts = jdbcUrl.split(";");
    for (int i = 1; i < parts.length; i++) {
      String[] setting = parts[i].split("=", 2);
      if (setting[0].trim().equalsIgnoreCase(WRITE_DELAY)) {
        if (setting.length == 2 && setting[1].trim().equals("0")) {
          return jdbcUrl;
        }
        throw new IllegalArgumentException(
            property
                + ": an H2 file database must write each commit before it returns, but the URL sets "
                + WRITE_DELAY
                + " to another value than 0 (a killed service would lose work it had acknowledged);"
                + " set WRITE_DELAY=0 or leave it out");
      }
    }
    log.info(
        "{} is an H2 file database without {}: adding {}=0 so that every commit is on disk before it returns",
        property, WRITE_DELAY, WRITE_DELAY);
    return jdbcUrl + ";" + WRITE_DELAY + "=0";
  }

  /** An embedded H2 database stored in a file: not {@code mem:}, {@code tcp:}, {@code ssl:} or {@code zip:}. */
  private static boolean isH2File(String jdbcUrl) {
    String url = jdbcUrl.trim().toLowerCase(Locale.ROOT);
    if (!url.startsWith(H2)) {
      return false;
    }
    String rest = url.substring(H2.length());
    return Stream.of("mem:", "tcp:", "ssl:", "zip:").noneMatch(rest::startsWith);
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
