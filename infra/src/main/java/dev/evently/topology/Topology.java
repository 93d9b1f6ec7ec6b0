package dev.evently.topology;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The whole messaging topology: topics, and per service the topics it publishes to and the queues
 * (with their subscriptions and dead-letter queues) it consumes. Immutable and validated: build it
 * with {@link TopologyLoader}. Names are logical; {@link Naming} maps them to AWS resource names.
 *
 * @param source the file it was read from
 * @param topics by logical name, in file order
 * @param services by name, in file order
 * @param payloads S3 buckets for large events, by logical name, in file order
 */
public record Topology(
    Path source, Map<String, TopicSpec> topics, Map<String, ServiceSpec> services, Map<String, PayloadBucketSpec> payloads) {

  public Topology {
    topics = Collections.unmodifiableMap(new LinkedHashMap<>(topics));
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    payloads = Collections.unmodifiableMap(new LinkedHashMap<>(payloads));
  }

  public Topology(Path source, Map<String, TopicSpec> topics, Map<String, ServiceSpec> services) {
    this(source, topics, services, Map.of());
  }

  /** The payload bucket of {@code topic}, if it offloads large events. */
  public Optional<PayloadBucketSpec> payloadBucketOf(String topic) {
    return topic(topic).flatMap(TopicSpec::payloads).map(payloads::get);
  }

  /** Queues subscribed to {@code topic}, in file order. */
  public List<QueueSpec> subscribersOf(String topic) {
    return queues().stream().filter(q -> q.subscriptions().stream().anyMatch(s -> s.topic().equals(topic)))
        .collect(Collectors.toList());
  }

  /** Every queue of every service, in file order. */
  public List<QueueSpec> queues() {
    return services.values().stream().flatMap(s -> s.queues().stream()).collect(Collectors.toList());
  }

  public Optional<TopicSpec> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  public Optional<QueueSpec> queue(String name) {
    return queues().stream().filter(q -> q.name().equals(name)).findFirst();
  }

  public Optional<ServiceSpec> service(String name) {
    return Optional.ofNullable(services.get(name));
  }

  /** The queue whose dead-letter queue has this logical name. */
  public Optional<QueueSpec> sourceOfDlq(String dlqName) {
    return queues().stream()
        .filter(q -> q.dlq().map(d -> d.name().equals(dlqName)).orElse(false))
        .findFirst();
  }
}
