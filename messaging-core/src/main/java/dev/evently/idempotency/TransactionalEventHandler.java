package dev.evently.idempotency;

import dev.evently.event.Event;
import java.sql.Connection;

/**
 * Handles one event inside a database transaction owned by {@link JdbcIdempotentHandler}: all the
 * handler's database changes go through {@code tx}, which already holds the event's dedup row.
 * Returning normally commits both; throwing rolls both back and the event is retried.
 *
 * <p>The handler must not commit, roll back or close {@code tx}, and should not have effects
 * outside the database (they would not be undone by a rollback nor deduplicated); use {@link
 * IdempotentHandler} for those, or publish follow-up events through the transactional outbox with
 * the same {@code tx}.
 */
@FunctionalInterface
public interface TransactionalEventHandler<T> {
  void handle(Event<T> event, Connection tx) throws Exception;
}
