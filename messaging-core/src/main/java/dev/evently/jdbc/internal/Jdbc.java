package dev.evently.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/** Small JDBC helpers shared by the idempotency stores and the outbox. */
public final class Jdbc {
  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private Jdbc() {}

  /** A table name that is safe to put into SQL: {@code name} or {@code schema.name}. */
  public static String requireTableName(String table, String field) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException(
          field + " must be an SQL identifier, optionally schema-qualified, but was '" + table + "'");
    }
    return table;
  }

  public static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** PostgreSQL {@code lock_timeout} (55P03) or H2's lock timeout (error 50200). */
  public static boolean isLockTimeout(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && ("55P03".equals(s.getSQLState()) || s.getErrorCode() == 50200)) {
        return true;
      }
    }
    return false;
  }

  public static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * Runs an INSERT and returns false instead of failing when the row's key already exists: {@code
   * ON CONFLICT DO NOTHING} on PostgreSQL (no aborted transaction, no server log noise), a caught
   * duplicate-key error on H2 (which leaves its transaction usable).
   */
  public static boolean insertIfAbsent(
      Connection c, Dialect dialect, String insertSql, SqlBinder binder) throws SQLException {
    String sql = dialect == Dialect.POSTGRESQL ? insertSql + " ON CONFLICT DO NOTHING" : insertSql;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (dialect == Dialect.H2 && isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  public static void rollbackQuietly(Connection c, Throwable failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** Binds parameters of a prepared statement. */
  @FunctionalInterface
  public interface SqlBinder {
    void bind(PreparedStatement ps) throws SQLException;
  }
}
