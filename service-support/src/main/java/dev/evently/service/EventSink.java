package dev.evently.service;

import dev.evently.event.Event;
import java.sql.Connection;

/**
 * Where a service's domain code records the events it emits: inside the caller's transaction, so
 * an event is published if and only if the state change that caused it commits (the transactional
 * outbox).
 */
@FunctionalInterface
public interface EventSink {
  /** Records {@code event} for publication to the topic named {@code topic} as part of {@code tx}. */
  void publish(Connection tx, String topic, Event<?> event) throws Exception;
}
