package dev.evently.outbox;

import static dev.evently.jdbc.internal.Jdbc.ts;

import dev.evently.jdbc.internal.Dialect;
import dev.evently.publish.EncodedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every SQL statement on one outbox table, for one dialect: the writer's insert and wake-up
 * ({@code pg_notify} on PostgreSQL), the relay's claim, ordering check and marks, the operator's
 * parked-row statements and the retention purge. Each method runs on the connection it is given,
 * in that connection's transaction; none commits. Immutable and thread-safe.
 */
final class OutboxTable {
  private static final String COLUMNS =
      "id, event_id, topic, msg_key, event_type, payload, attempts, created_at,"
          + " message_format, message_attributes, group_id, dedup_id";

  private final String table;
  private final Dialect dialect;
  private final String insertSql;
  private final String claimSql;
  private final String channelSql;

  OutboxTable(String table, Dialect dialect) {
    this.table = table;
    this.dialect = dialect;
    this.insertSql =
        "INSERT INTO " + table + " (event_id, topic, msg_key, event_type, payload, message_format,"
            + " message_attributes, group_id, dedup_id) VALUES (?, ?, ?, ?, ?, " + OutboxRow.FORMAT_STORED_MESSAGE
            + ", ?, ?, ?)";
    // PostgreSQL: SKIP LOCKED lets relays share the table. H2 2.4 accepts SKIP LOCKED, but with it a
    // second relay published rows of a key ahead of older ones locked by the first: relays take turns.
    this.claimSql =
        "SELECT " + COLUMNS + " FROM " + table
            + " WHERE published_at IS NULL AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            + " ORDER BY id LIMIT ? FOR UPDATE" + (dialect == Dialect.POSTGRESQL ? " SKIP LOCKED" : "");
    // The table's schema-qualified name (at most 63 bytes, PostgreSQL's limit for a channel name).
    String name =
        table.contains(".") ? "'" + table + "'" : "coalesce(current_schema(), '') || '." + table + "'";
    this.channelSql =
        "(SELECT CASE WHEN octet_length(c) <= 63 THEN c ELSE 'evently_outbox_' || md5(c) END FROM (SELECT "
            + name + " AS c) n)";
  }

  String table() {
    return table;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * Inserts {@code message} for {@code topic} with ordering key {@code key}; on PostgreSQL also
   * notifies the table's channel, which listening relays receive when the transaction commits.
   */
  void insert(Connection tx, String topic, String key, EncodedMessage message) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insertSql)) {
      ps.setString(1, message.eventId());
      ps.setString(2, topic);
      ps.setString(3, key);
      ps.setString(4, message.type());
      ps.setString(5, message.body());
      ps.setString(6, OutboxRow.attributesJson(message.attributes()));
      ps.setString(7, message.messageGroupId());
      ps.setString(8, message.deduplicationId());
      ps.executeUpdate();
    }
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = tx.prepareStatement("SELECT pg_notify(" + channelSql + ", '')")) {
        ps.execute();
      }
    }
  }

  /** The PostgreSQL channel writers notify (see {@link #insert}), as the connection resolves it. */
  String channel(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + channelSql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Locks and returns up to {@code limit} pending rows due at {@code now}, in id order. */
  List<OutboxRow> claim(Connection tx, Instant now, int limit) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>();
    try (PreparedStatement ps = tx.prepareStatement(claimSql)) {
      ps.setObject(1, ts(now));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          OffsetDateTime created = rs.getObject(8, OffsetDateTime.class);
          rows.add(
              new OutboxRow(
                  rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                  rs.getString(6), rs.getInt(7), created != null ? created.toInstant() : null, rs.getInt(9),
                  rs.getString(10), rs.getString(11), rs.getString(12)));
        }
      }
    }
    return rows;
  }

  /** The keys of {@code rows} that have an older pending row than the oldest of the key in {@code rows}. */
  Set<String> keysWithOlderPendingRows(Connection tx, List<OutboxRow> rows) throws SQLException {
    Map<String, Long> oldest = new HashMap<>();
    for (OutboxRow row : rows) {
      if (row.key() != null) {
        oldest.merge(row.key(), row.id(), Math::min);
      }
    }
    Set<String> blocked = new HashSet<>();
    if (oldest.isEmpty()) {
      return blocked;
    }
    String marks = String.join(", ", Collections.nCopies(oldest.size(), "?"));
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT msg_key, MIN(id) FROM " + table + " WHERE published_at IS NULL AND parked_at IS NULL"
                + " AND msg_key IN (" + marks + ") GROUP BY msg_key")) {
      int i = 1;
      for (String key : oldest.keySet()) {
        ps.setString(i++, key);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(2) < oldest.get(rs.getString(1))) {
            blocked.add(rs.getString(1));
          }
        }
      }
    }
    return blocked;
  }

  /** Marks {@code rows} published at {@code now}, or deletes them when {@code delete}, in one statement. */
  void markPublished(Connection tx, List<OutboxRow> rows, Instant now, boolean delete) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Long[] ids = new Long[rows.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rows.get(i).id();
    }
    String sql =
        delete
            ? "DELETE FROM " + table + " WHERE id = ANY(?)"
            : "UPDATE " + table + " SET published_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ANY(?)";
    try (PreparedStatement ps = tx.prepareStatement(sql)) {
      int i = 1;
      if (!delete) {
        ps.setObject(i++, ts(now));
      }
      ps.setArray(i, tx.createArrayOf("BIGINT", ids));
      ps.executeUpdate();
    }
  }

  /** Counts a failed attempt of each row and sets when it is due again and why it failed. */
  void markFailed(Connection tx, Map<OutboxRow, String> failed, Map<OutboxRow, Instant> dueAt) throws SQLException {
    if (failed.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE " + table + " SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")) {
      for (Map.Entry<OutboxRow, String> e : failed.entrySet()) {
        ps.setObject(1, ts(dueAt.get(e.getKey())));
        ps.setString(2, e.getValue());
        ps.setLong(3, e.getKey().id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Parks each row at {@code now} with its reason. */
  void markParked(Connection tx, Map<OutboxRow, String> parked, Instant now) throws SQLException {
    if (parked.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE " + table
                + " SET attempts = attempts + 1, parked_at = ?, next_attempt_at = NULL, last_error = ? WHERE id = ?")) {
      for (Map.Entry<OutboxRow, String> e : parked.entrySet()) {
        ps.setObject(1, ts(now));
        ps.setString(2, e.getValue());
        ps.setLong(3, e.getKey().id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The oldest {@code limit} parked rows. */
  List<OutboxRelay.ParkedEvent> parked(Connection c, int limit) throws SQLException {
    String sql =
        "SELECT event_id, event_type, topic, msg_key, attempts, parked_at, last_error FROM " + table
            + " WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY id LIMIT ?";
    List<OutboxRelay.ParkedEvent> parked = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          parked.add(
              new OutboxRelay.ParkedEvent(
                  rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                  rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7)));
        }
      }
    }
    return parked;
  }

  /** Makes the parked row of {@code eventId} pending again; true if there was one. */
  boolean unpark(Connection c, String eventId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + table + " SET parked_at = NULL, next_attempt_at = NULL"
                + " WHERE event_id = ? AND parked_at IS NOT NULL AND published_at IS NULL")) {
      ps.setString(1, eventId);
      return ps.executeUpdate() > 0;
    }
  }

  /** Deletes rows published before {@code before}; returns how many. */
  int purgePublishedBefore(Connection c, Instant before) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE published_at < ?")) {
      ps.setObject(1, ts(before));
      return ps.executeUpdate();
    }
  }
}
