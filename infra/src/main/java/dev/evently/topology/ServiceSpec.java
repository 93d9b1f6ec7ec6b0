package dev.evently.topology;

import java.util.List;
import java.util.Objects;

/**
 * A service: the topics it publishes to and the queues it consumes.
 *
 * @param name the service's name
 * @param publishes logical topic names
 * @param queues the queues it owns and consumes
 */
public record ServiceSpec(String name, List<String> publishes, List<QueueSpec> queues) {
  public ServiceSpec {
    Objects.requireNonNull(name, "name");
    publishes = List.copyOf(publishes);
    queues = List.copyOf(queues);
  }
}
