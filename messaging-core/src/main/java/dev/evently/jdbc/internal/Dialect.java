package dev.evently.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** The databases the JDBC stores and the outbox support, and the SQL that differs between them. */
public enum Dialect {
  POSTGRESQL("postgresql"),
  H2("h2");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** The migration folder under {@code db/evently/}. */
  public String folder() {
    return folder;
  }

  public static Dialect of(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return of(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the database to detect its type: " + e.getMessage(), e);
    }
  }

  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return POSTGRESQL;
    }
    if (p.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "database '" + product + "' is not supported; evently supports PostgreSQL and H2");
  }
}
