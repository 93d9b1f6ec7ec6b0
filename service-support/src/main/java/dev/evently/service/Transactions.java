package dev.evently.service;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one JDBC transaction: commit on return, roll back on any exception. */
public final class Transactions {
  /** Work inside a transaction; must not commit, roll back or close {@code tx}. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection tx) throws Exception;
  }

  private Transactions() {}

  /**
   * Whether {@code e} or one of its causes is a unique-constraint violation (SQLState 23505 on
   * H2 and PostgreSQL): for example a concurrent transaction committed the same key first.
   */
  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code work} in a new transaction on a connection from {@code dataSource}. Exceptions
   * from {@code work} propagate unchanged (checked ones wrapped in {@link IllegalStateException})
   * after the rollback.
   */
  public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
    try (Connection tx = dataSource.getConnection()) {
      boolean autoCommit = tx.getAutoCommit();
      tx.setAutoCommit(false);
      try {
        T result = work.apply(tx);
        tx.commit();
        return result;
      } catch (Exception e) {
        rollback(tx, e);
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getMessage(), e);
      } finally {
        restoreAutoCommit(tx, autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("database error: " + e.getMessage(), e);
    }
  }

  /**
   * Best effort: on a connection that broke mid-transaction this fails too, and must neither turn
   * a committed transaction into an error nor hide the error that broke it. The pool resets or
   * discards the connection anyway.
   */
  private static void restoreAutoCommit(Connection tx, boolean autoCommit) {
    try {
      tx.setAutoCommit(autoCommit);
    } catch (SQLException ignored) {
      // the connection is broken; the pool evicts it
    }
  }

  private static void rollback(Connection tx, Exception cause) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
