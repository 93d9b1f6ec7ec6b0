package dev.evently.publish;

import dev.evently.event.Event;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to one destination (an SNS topic).
 *
 * <p>Thread-safe. Publishing is asynchronous: the returned future completes with the SNS message
 * id once SNS has accepted the event, or exceptionally with a {@link PublishException} naming the
 * event when it has not; an event is never reported as published when it was not. After {@link
 * #close()} every publish fails with an {@link IllegalStateException}.
 */
public interface EventPublisher extends AutoCloseable {

  /** Encodes one event and publishes it; the future completes with the SNS message id. */
  CompletableFuture<String> publish(Event<?> event);

  /**
   * Publishes a message encoded earlier (e.g. stored by the transactional outbox), as it is: its
   * body and attributes are not decoded nor changed. The future means what {@link #publish(Event)}'s
   * does.
   */
  CompletableFuture<String> publishEncoded(EncodedMessage message);

  /** Publishes several events; one future per event, in the same order. */
  default List<CompletableFuture<String>> publishAll(Collection<? extends Event<?>> events) {
    List<CompletableFuture<String>> futures = new ArrayList<>(events.size());
    for (Event<?> event : events) {
      futures.add(publish(event));
    }
    return futures;
  }

  /**
   * Sends whatever is buffered and waits until every accepted event has an outcome; an
   * implementation may bound the wait and then fail the futures still pending (see {@link
   * SnsPublisher#close()}), never leave them incomplete.
   */
  @Override
  void close();
}
