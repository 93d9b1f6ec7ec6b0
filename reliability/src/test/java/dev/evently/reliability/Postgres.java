package dev.evently.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared PostgreSQL server at 127.0.0.1:5432 (database {@code test}, user {@code postgres}):
 * each scenario gets schemas of its own and drops them afterwards. The server itself is never
 * stopped; outages are made with a proxy in front of it.
 */
final class Postgres {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;
  private static final String URL = "jdbc:postgresql://" + HOST + ":" + PORT + "/test?user=postgres";

  /** One row of a query, as the columns' values. */
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Postgres() {}

  /** The JDBC URL of {@code schema} on {@code host:port} (the server or a proxy in front of it). */
  static String url(int port, String schema, String password) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/test?user=postgres&password=" + password
        + "&currentSchema=" + schema;
  }

  static void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + HOST + ":" + PORT + " (database test, user postgres) is required: " + e.getMessage(), e);
    }
  }

  static <T> List<T> query(String sql, RowMapper<T> mapper) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  static long count(String sql) {
    return query(sql, rs -> rs.getLong(1)).get(0);
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL);
  }
}
