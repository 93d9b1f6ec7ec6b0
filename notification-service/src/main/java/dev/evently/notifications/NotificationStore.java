package dev.evently.notifications;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Repository;

/**
 * Every SQL statement on the service's tables ({@code order_timeline}, {@code notifications};
 * migrations in {@code db/notifications}), for H2 and PostgreSQL. Writes take the caller's
 * transaction; reads open their own connection. Stateless and thread-safe.
 */
@Repository
class NotificationStore {
  private final DataSource dataSource;

  NotificationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Adds an event to its order's timeline. */
  void addToTimeline(Connection tx, String orderId, String customerId, TimelineEntry entry, Instant receivedAt)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(
        "INSERT INTO order_timeline (event_id, order_id, customer_id, event_type, event_time, source, received_at,"
            + " note_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, entry.eventId());
      ps.setString(2, orderId);
      ps.setString(3, customerId);
      ps.setString(4, entry.type());
      ps.setObject(5, ts(entry.time()));
      ps.setString(6, entry.source());
      ps.setObject(7, ts(receivedAt));
      ps.setObject(8, entry.noteBytes(), java.sql.Types.INTEGER);
      ps.executeUpdate();
    }
  }

  /** Whether the order's timeline holds an event of {@code type} that happened at or before {@code time}. */
  boolean hasEventAtOrBefore(Connection tx, String orderId, String type, Instant time) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(
        "SELECT 1 FROM order_timeline WHERE order_id = ? AND event_type = ? AND event_time <= ?")) {
      ps.setString(1, orderId);
      ps.setString(2, type);
      ps.setObject(3, ts(time));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Whether a notification about the order was already sent. */
  boolean notified(Connection tx, String orderId) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement("SELECT 1 FROM notifications WHERE order_id = ?")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Stores a notification; the order's primary key refuses a second one (a racing transaction
   * then rolls back and its event is redelivered, finding this one).
   */
  void addNotification(Connection tx, String customerId, Notification n) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(
        "INSERT INTO notifications (order_id, customer_id, kind, message, event_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, n.orderId());
      ps.setString(2, customerId);
      ps.setString(3, n.kind());
      ps.setString(4, n.message());
      ps.setString(5, n.eventId());
      ps.setObject(6, ts(n.sentAt()));
      ps.executeUpdate();
    }
  }

  /** The order's timeline by event time (then arrival); empty when no event about it arrived. */
  List<TimelineEntry> timeline(String orderId) throws SQLException {
    List<TimelineEntry> entries = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT event_type, event_time, source, event_id, note_bytes FROM order_timeline WHERE order_id = ? ORDER BY event_time, seq")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          entries.add(new TimelineEntry(
              rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4), (Integer) rs.getObject(5, Integer.class)));
        }
      }
    }
    return entries;
  }

  /** The customer's notifications, oldest first. */
  List<Notification> notifications(String customerId) throws SQLException {
    List<Notification> sent = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT order_id, kind, message, event_id, sent_at FROM notifications WHERE customer_id = ? ORDER BY sent_at, order_id")) {
      ps.setString(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sent.add(new Notification(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5)));
        }
      }
    }
    return sent;
  }

  private static OffsetDateTime ts(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
