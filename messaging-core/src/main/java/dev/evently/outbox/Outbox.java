package dev.evently.outbox;

import dev.evently.internal.Checks;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The transactional outbox: {@link #publish} writes an event into the outbox table inside the
 * caller's own database transaction, next to the business changes it describes. If that
 * transaction commits, an {@link OutboxRelay} publishes the event (at least once); if it rolls
 * back, the event never existed. This removes the dual write of "update the database, then
 * publish".
 *
 * <p>Events are encoded with the {@link EventCodec} at insert time, so an unregistered type fails
 * in the caller's transaction, not later in the relay. The event's {@link Event#subject()} is the
 * ordering key: the relay publishes events with the same subject in the order they were written.
 *
 * <p>Thread-safe; one instance per table is enough for a whole service.
 */
public final class Outbox {
  private final EventCodec codec;
  private final String table;
  private final String insertSql;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  private Outbox(Builder b) {
    this.codec = b.codec;
    this.table = b.table;
    this.insertSql =
        "INSERT INTO " + table + " (event_id, topic, msg_key, event_type, payload) VALUES (?, ?, ?, ?, ?)";
  }

  public static Builder builder() {
    return new Builder();
  }

  public String table() {
    return table;
  }

  EventCodec codec() {
    return codec;
  }

  /**
   * Writes {@code event} for {@code topic} (the logical destination, e.g. {@code order-events},
   * which the relay maps to a publisher) into the outbox, in {@code tx}'s transaction. Nothing is
   * committed or published here; the caller commits or rolls back {@code tx}.
   *
   * @throws IllegalStateException if {@code tx} is in auto-commit mode (there is no transaction to
   *     join)
   * @throws IllegalArgumentException if the topic is blank or too long, or the event cannot be
   *     encoded (unregistered type)
   * @throws SQLException if the insert fails, e.g. an event with the same id is already in the
   *     outbox (the caller's transaction should then be rolled back)
   */
  public void publish(Connection tx, String topic, Event<?> event) throws SQLException {
    if (tx == null) {
      throw new IllegalArgumentException("tx must not be null");
    }
    if (topic == null || topic.isBlank() || topic.length() > 256) {
      throw new IllegalArgumentException("topic must be 1..256 characters, not blank");
    }
    if (event == null) {
      throw new IllegalArgumentException("event must not be null");
    }
    if (tx.getAutoCommit()) {
      throw new IllegalStateException(
          "tx is in auto-commit mode: Outbox.publish must join a transaction (setAutoCommit(false))");
    }
    String payload = codec.encode(event);
    try (PreparedStatement ps = tx.prepareStatement(insertSql)) {
      ps.setString(1, event.id());
      ps.setString(2, topic);
      ps.setString(3, event.subject());
      ps.setString(4, event.type());
      ps.setString(5, payload);
      ps.executeUpdate();
    }
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  /** Relays in this process ask to be woken up when an event is written. */
  void onPublish(Runnable listener) {
    listeners.add(listener);
  }

  void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  /** Builder; {@link #codec} is required. */
  public static final class Builder {
    private EventCodec codec;
    private String table = EventlyMigrations.DEFAULT_OUTBOX_TABLE;

    private Builder() {}

    public Builder codec(EventCodec codec) {
      this.codec = Checks.notNull(codec, "codec");
      return this;
    }

    /** The outbox table, optionally schema-qualified. Default {@value EventlyMigrations#DEFAULT_OUTBOX_TABLE}. */
    public Builder table(String table) {
      this.table = Jdbc.requireTableName(table, "table");
      return this;
    }

    public Outbox build() {
      if (codec == null) {
        throw new IllegalArgumentException("codec must be set");
      }
      return new Outbox(this);
    }
  }
}
