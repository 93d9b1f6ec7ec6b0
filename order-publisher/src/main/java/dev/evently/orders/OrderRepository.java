package dev.evently.orders;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** JDBC access to the {@code orders} table; every method works inside the caller's transaction. */
final class OrderRepository {

  void insert(Connection tx, Order order) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO orders (order_id, customer_id, order_total, state, rejection_reason, created_at, updated_at,"
                + " note_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, order.orderId());
      ps.setString(2, order.customerId());
      ps.setBigDecimal(3, order.orderTotal());
      ps.setString(4, order.state().name());
      ps.setString(5, order.rejectionReason());
      ps.setTimestamp(6, Timestamp.from(order.createdAt()));
      ps.setTimestamp(7, Timestamp.from(order.updatedAt()));
      ps.setString(8, order.noteSha256());
      ps.executeUpdate();
    }
  }

  /**
   * Records that {@code idempotencyKey} created {@code orderId}. Fails with SQLState 23505
   * (unique violation) if the key is already recorded; on PostgreSQL a concurrent transaction that
   * recorded it and has not finished makes this wait for its outcome.
   */
  void insertKey(Connection tx, String idempotencyKey, String orderId, Instant at) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO order_idempotency_keys (idempotency_key, order_id, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, idempotencyKey);
      ps.setString(2, orderId);
      ps.setTimestamp(3, Timestamp.from(at));
      ps.executeUpdate();
    }
  }

  /** The order that {@code idempotencyKey} created, if any. */
  Optional<Order> findByKey(Connection tx, String idempotencyKey) throws SQLException {
    return select(
        tx,
        "SELECT o.* FROM orders o JOIN order_idempotency_keys k ON k.order_id = o.order_id"
            + " WHERE k.idempotency_key = ?",
        idempotencyKey);
  }

  Optional<Order> find(Connection tx, String orderId) throws SQLException {
    return select(tx, "SELECT * FROM orders WHERE order_id = ?", orderId);
  }

  /** Like {@link #find} but locks the row until the transaction ends. */
  Optional<Order> findForUpdate(Connection tx, String orderId) throws SQLException {
    return select(tx, "SELECT * FROM orders WHERE order_id = ? FOR UPDATE", orderId);
  }

  void updateState(
      Connection tx, String orderId, OrderState state, String rejectionReason, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE orders SET state = ?, rejection_reason = ?, updated_at = ? WHERE order_id = ?")) {
      ps.setString(1, state.name());
      ps.setString(2, rejectionReason);
      ps.setTimestamp(3, Timestamp.from(at));
      ps.setString(4, orderId);
      ps.executeUpdate();
    }
  }

  private static Optional<Order> select(Connection tx, String sql, String parameter) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(sql)) {
      ps.setString(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        BigDecimal total = rs.getBigDecimal("order_total");
        return Optional.of(
            new Order(
                rs.getString("order_id"),
                rs.getString("customer_id"),
                total,
                OrderState.valueOf(rs.getString("state")),
                rs.getString("rejection_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("note_sha256")));
      }
    }
  }
}
