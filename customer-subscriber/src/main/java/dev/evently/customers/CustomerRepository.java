package dev.evently.customers;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * JDBC access to {@code customers} and {@code credit_reservations}; every method works inside the
 * caller's transaction.
 */
final class CustomerRepository {
  record Reservation(String orderId, String customerId, BigDecimal amount, ReservationState state, String reason) {}

  void insertCustomer(Connection tx, String customerId, String name, BigDecimal creditLimit)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO customers (customer_id, name, credit_limit, created_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, customerId);
      ps.setString(2, name);
      ps.setBigDecimal(3, creditLimit);
      ps.setTimestamp(4, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
  }

  /**
   * Records that {@code idempotencyKey} created {@code customerId}. Fails with SQLState 23505
   * (unique violation) if the key is already recorded; on PostgreSQL a concurrent transaction that
   * recorded it and has not finished makes this wait for its outcome.
   */
  void insertKey(Connection tx, String idempotencyKey, String customerId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO customer_idempotency_keys (idempotency_key, customer_id, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, idempotencyKey);
      ps.setString(2, customerId);
      ps.setTimestamp(3, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
  }

  /**
   * The customer that {@code idempotencyKey} created, as it was created: its available credit is
   * its whole credit limit, whatever is reserved today.
   */
  Optional<Customer> findCreatedByKey(Connection tx, String idempotencyKey) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT c.customer_id, c.name, c.credit_limit FROM customers c"
                + " JOIN customer_idempotency_keys k ON k.customer_id = c.customer_id WHERE k.idempotency_key = ?")) {
      ps.setString(1, idempotencyKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        BigDecimal limit = rs.getBigDecimal("credit_limit");
        return Optional.of(new Customer(rs.getString("customer_id"), rs.getString("name"), limit, limit));
      }
    }
  }

  Optional<Customer> findCustomer(Connection tx, String customerId) throws SQLException {
    return selectCustomer(tx, "SELECT * FROM customers WHERE customer_id = ?", customerId);
  }

  /** Like {@link #findCustomer} but locks the customer row: reservations for it serialize. */
  Optional<Customer> lockCustomer(Connection tx, String customerId) throws SQLException {
    return selectCustomer(tx, "SELECT * FROM customers WHERE customer_id = ? FOR UPDATE", customerId);
  }

  private Optional<Customer> selectCustomer(Connection tx, String sql, String customerId)
      throws SQLException {
    String name;
    BigDecimal limit;
    try (PreparedStatement ps = tx.prepareStatement(sql)) {
      ps.setString(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        name = rs.getString("name");
        limit = rs.getBigDecimal("credit_limit");
      }
    }
    return Optional.of(new Customer(customerId, name, limit, limit.subtract(reserved(tx, customerId))));
  }

  private BigDecimal reserved(Connection tx, String customerId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT COALESCE(SUM(amount), 0) FROM credit_reservations WHERE customer_id = ? AND state = ?")) {
      ps.setString(1, customerId);
      ps.setString(2, ReservationState.RESERVED.name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBigDecimal(1);
      }
    }
  }

  /** The reservation row of {@code orderId}, locked until the transaction ends. */
  Optional<Reservation> lockReservation(Connection tx, String orderId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement("SELECT * FROM credit_reservations WHERE order_id = ? FOR UPDATE")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Reservation(
                rs.getString("order_id"),
                rs.getString("customer_id"),
                rs.getBigDecimal("amount"),
                ReservationState.valueOf(rs.getString("state")),
                rs.getString("reason")));
      }
    }
  }

  /**
   * Inserts the reservation row of an order. Throws {@link SQLException} (a key violation) when a
   * concurrent transaction inserted it first; the event is then retried and sees that row.
   */
  void insertReservation(Connection tx, Reservation r) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO credit_reservations (order_id, customer_id, amount, state, reason, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.orderId());
      ps.setString(2, r.customerId());
      ps.setBigDecimal(3, r.amount());
      ps.setString(4, r.state().name());
      ps.setString(5, r.reason());
      ps.setTimestamp(6, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
  }

  void updateReservation(Connection tx, String orderId, ReservationState state) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE credit_reservations SET state = ?, updated_at = ? WHERE order_id = ?")) {
      ps.setString(1, state.name());
      ps.setTimestamp(2, Timestamp.from(Instant.now()));
      ps.setString(3, orderId);
      ps.executeUpdate();
    }
  }
}
