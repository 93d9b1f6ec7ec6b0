package dev.evently.outbox;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.internal.Checks;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.internal.Dialect;
import dev.evently.jdbc.internal.Jdbc;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.internal.MessageEncoder;
import dev.evently.tracing.MessagingTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The transactional outbox: {@link #publish} writes an event into the outbox table inside the
 * caller's own database transaction, next to the business changes it describes. If that
 * transaction commits, an {@link OutboxRelay} publishes the event (at least once); if it rolls
 * back, the event never existed. This removes the dual write of "update the database, then
 * publish".
 *
 * <p>The row holds the message as it goes on the wire: the event is encoded with the {@link
 * EventCodec} at insert time (so an unregistered type fails in the caller's transaction, not later
 * in the relay), with its {@code event-type} attribute and its FIFO group and deduplication ids
 * (used only if the topic turns out to be FIFO). The relay publishes these stored bytes without
 * decoding them, so a row stays publishable even after its Java type is renamed. The event's
 * {@link Event#subject()} is the ordering key: the relay publishes events with the same subject in
 * the order they were written.
 *
 * <p>On PostgreSQL the insert also sends {@code pg_notify} on the table's channel in the same
 * transaction: relays listening in any process are woken when it commits. Relays in this process
 * are woken at once on every write.
 *
 * <p>Thread-safe; one instance per table is enough for a whole service.
 */
public final class Outbox {
  private final MessageEncoder encoder;
  private final String table;
  private final Map<Dialect, OutboxTable> tables = new EnumMap<>(Dialect.class);
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  private Outbox(Builder b) {
    this.encoder = new MessageEncoder(b.codec, b.groupId, b.deduplicationId);
    this.table = b.table;
    for (Dialect d : Dialect.values()) {
      tables.put(d, new OutboxTable(table, d));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String table() {
    return table;
  }

  OutboxTable statements(Dialect dialect) {
    return tables.get(dialect);
  }

  /**
   * Writes {@code event} for {@code topic} (the logical destination, e.g. {@code order-events},
   * which the relay maps to a publisher) into the outbox, in {@code tx}'s transaction. Nothing is
   * committed or published here; the caller commits or rolls back {@code tx}.
   *
   * @throws IllegalStateException if {@code tx} is in auto-commit mode (there is no transaction to
   *     join)
   * @throws IllegalArgumentException if the topic is blank or too long, or the event cannot be
   *     encoded (unregistered type, a FIFO id function that fails)
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
    EncodedMessage message = withWriterTrace(encoder.encode(withWriterTrace(event)));
    requireColumnFits(message.messageGroupId(), "messageGroupId", event);
    requireColumnFits(message.deduplicationId(), "deduplicationId", event);
    statements(Dialect.of(tx)).insert(tx, topic, event.subject(), message);
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  /**
   * The writer's trace (the span current where {@code publish} is called, e.g. the HTTP request
   * that placed an order) goes with the event: as its CloudEvents {@code traceparent} unless it
   * has one, so that the trace runs from the request through the relay to every consumer.
   */
  private static Event<?> withWriterTrace(Event<?> event) {
    SpanContext current = Span.current().getSpanContext();
    if (!current.isValid() || event.traceparent() != null) {
      return event;
    }
    return event.withTraceparent(MessagingTracing.inject(Context.current()).get(MessagingTracing.TRACEPARENT));
  }

  /** ... and as the {@code traceparent}/{@code tracestate} message attributes stored with the row. */
  private static EncodedMessage withWriterTrace(EncodedMessage message) {
    if (!Span.current().getSpanContext().isValid()) {
      return message;
    }
    Map<String, String> attributes = new LinkedHashMap<>(message.attributes());
    MessagingTracing.inject(Context.current()).forEach(attributes::putIfAbsent);
    return new EncodedMessage(
        message.eventId(),
        message.type(),
        message.body(),
        attributes,
        message.messageGroupId(),
        message.deduplicationId());
  }

  private static void requireColumnFits(String id, String field, Event<?> event) {
    if (id != null && id.length() > 256) {
      throw new IllegalArgumentException(
          field + " of event " + event.id() + " must be at most 256 characters but has " + id.length());
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
    private Function<? super Event<?>, String> groupId = MessageEncoder.SUBJECT_OR_ID;
    private Function<? super Event<?>, String> deduplicationId = MessageEncoder.EVENT_ID;

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

    /**
     * The FIFO {@code MessageGroupId} stored with each event, used if its topic is FIFO; as {@code
     * SnsPublisher.Builder#messageGroupId}, whose function the relay cannot apply to a stored row.
     * Default: the event's subject, or its id when it has none. At most 256 characters.
     */
    public Builder messageGroupId(Function<? super Event<?>, String> groupId) {
      this.groupId = Checks.notNull(groupId, "messageGroupId");
      return this;
    }

    /**
     * The FIFO {@code MessageDeduplicationId} stored with each event, used if its topic is FIFO; as
     * {@code SnsPublisher.Builder#deduplicationId} (null: content-based deduplication). Default: the
     * event's id.
     */
    public Builder deduplicationId(Function<? super Event<?>, String> deduplicationId) {
      this.deduplicationId = Checks.notNull(deduplicationId, "deduplicationId");
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
