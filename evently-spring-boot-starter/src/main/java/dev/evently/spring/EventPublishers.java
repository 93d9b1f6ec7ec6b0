package dev.evently.spring;

import dev.evently.publish.EventPublisher;
import dev.evently.publish.SnsPublisher;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The auto-configured publishers, one per {@code evently.publishers.<name>} entry, by name. Each
 * is also a bean of its own ({@code @Qualifier("<name>") EventPublisher}, or unqualified when
 * there is only one). The outbox relay maps an outbox row's topic to the publisher of that name.
 *
 * <p>Thread-safe and immutable. The publishers are built (topic names resolved to ARNs) when the
 * context starts and closed when it is closed, after the consumers and the outbox relay have
 * stopped, so that handlers still running at shutdown can publish.
 */
public final class EventPublishers implements AutoCloseable {
  private final Map<String, SnsPublisher> byName;

  EventPublishers(Map<String, SnsPublisher> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The publisher configured under {@code evently.publishers.<name>}, if any. */
  public Optional<SnsPublisher> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The publisher configured under {@code evently.publishers.<name>}.
   *
   * @throws IllegalArgumentException naming the property when there is none
   */
  public SnsPublisher get(String name) {
    SnsPublisher publisher = byName.get(name);
    if (publisher == null) {
      throw new IllegalArgumentException(
          "no publisher '" + name + "': configure evently.publishers." + name + ".topic (configured: " + names() + ")");
    }
    return publisher;
  }

  public Set<String> names() {
    return byName.keySet();
  }

  /** As {@link EventPublisher}s by name (what {@code OutboxRelay.Builder#publishers} takes). */
  public Map<String, ? extends EventPublisher> asMap() {
    return byName;
  }

  /** Closes every publisher (each waits at most its close timeout); idempotent. */
  @Override
  public void close() {
    byName.values().forEach(SnsPublisher::close);
  }
}
