package dev.evently.topology.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.topology.Naming;
import dev.evently.topology.QueueSpec;
import dev.evently.topology.ServiceSpec;
import dev.evently.topology.SubscriptionSpec;
import dev.evently.topology.TopicSpec;
import dev.evently.topology.Topology;
import dev.evently.topology.dlq.DeadLetter;
import dev.evently.topology.dlq.DeadLetters;
import dev.evently.topology.dlq.RedriveOptions;
import dev.evently.topology.dlq.RedriveResult;
import dev.evently.topology.internal.Live;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * What the console shows and does, as JSON trees, on one topology and one SQS client: the
 * topology graph, queue depths, and the dead-letter operations of {@link DeadLetters}. Queues are
 * named by their AWS names (after {@link Naming}). Unknown queues are {@link ApiException 404s}.
 *
 * <p>Thread-safe: HTTP handler threads call it concurrently. Message bodies are never part of a
 * peek; the bodies of the latest peek of each DLQ are kept in memory (at most {@value #MAX_PEEK}
 * per DLQ) so that one can be shown when the operator asks for it.
 */
final class ConsoleService {
  static final int MAX_PEEK = 50;
  private static final long STATS_CACHE_MILLIS = 1000;

  private final ObjectMapper json = new ObjectMapper();
  private final SqsClient sqs;
  private final Topology topology;
  private final Naming naming;
  private final DeadLetters deadLetters;
  private final OldestMessageAges ages;
  private final Clock clock;
  private final Map<String, String> urls = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> peekedBodies = new ConcurrentHashMap<>();
  private ObjectNode lastStats;
  private long lastStatsAt;

  ConsoleService(SqsClient sqs, Topology topology, Naming naming, OldestMessageAges ages, Clock clock) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.naming = Objects.requireNonNull(naming, "naming");
    this.ages = Objects.requireNonNull(ages, "ages");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.deadLetters = new DeadLetters(sqs, topology, naming);
  }

  ObjectMapper json() {
    return json;
  }

  /** Topics, services and queues with their subscriptions (filter policies as JSON) and DLQs. */
  ObjectNode topology() {
    ObjectNode root = json.createObjectNode();
    root.put("source", String.valueOf(topology.source()));
    ArrayNode topics = root.putArray("topics");
    for (TopicSpec t : topology.topics().values()) {
      ObjectNode n = topics.addObject().put("name", naming.physical(t.name())).put("fifo", t.fifo());
      ArrayNode publishers = n.putArray("publishers");
      topology.services().values().stream().filter(s -> s.publishes().contains(t.name()))
          .forEach(s -> publishers.add(s.name()));
    }
    ArrayNode services = root.putArray("services");
    for (ServiceSpec s : topology.services().values()) {
      ObjectNode n = services.addObject().put("name", s.name());
      ArrayNode publishes = n.putArray("publishes");
      s.publishes().forEach(p -> publishes.add(naming.physical(p)));
      ArrayNode queues = n.putArray("queues");
      s.queues().forEach(q -> queues.add(naming.physical(q.name())));
    }
    ArrayNode queues = root.putArray("queues");
    for (QueueSpec q : topology.queues()) {
      ObjectNode n = queues.addObject().put("name", naming.physical(q.name())).put("service", q.service())
          .put("maxReceiveCount", q.maxReceiveCount());
      if (q.dlq().isPresent()) {
        n.put("dlq", naming.physical(q.dlq().get().name()));
      } else {
        n.putNull("dlq");
      }
      ArrayNode subs = n.putArray("subscriptions");
      for (SubscriptionSpec s : q.subscriptions()) {
        ObjectNode sub = subs.addObject().put("topic", naming.physical(s.topic())).put("rawDelivery", s.rawDelivery())
            .put("filterPolicyScope", s.filterPolicyScope().name());
        if (s.filterPolicy().isPresent()) {
          sub.put("filterPolicy", s.filterPolicy().get());
        } else {
          sub.putNull("filterPolicy");
        }
      }
    }
    return root;
  }

  /**
   * Depth of every queue and DLQ: {@code visible}, {@code inFlight}, {@code delayed} and
   * {@code oldestAgeSeconds} (null when unknown), or {@code exists: false}. Answers from the last
   * second are reused, so that several open pages cost no more calls than one.
   */
  synchronized ObjectNode stats() {
    long now = clock.millis();
    if (lastStats != null && now - lastStatsAt < STATS_CACHE_MILLIS) {
      return lastStats;
    }
    List<String> names = new ArrayList<>();
    for (QueueSpec q : topology.queues()) {
      names.add(naming.physical(q.name()));
      q.dlq().ifPresent(d -> names.add(naming.physical(d.name())));
    }
    Map<String, Long> oldest = ages.ages(names);
    ObjectNode root = json.createObjectNode().put("at", clock.instant().toString());
    ObjectNode queues = root.putObject("queues");
    for (String name : names) {
      ObjectNode n = queues.putObject(name);
      Optional<Map<QueueAttributeName, String>> a = attributes(name);
      n.put("exists", a.isPresent());
      if (a.isPresent()) {
        n.put("visible", number(a.get(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        n.put("inFlight", number(a.get(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        n.put("delayed", number(a.get(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
      }
      Long age = oldest.get(name);
      if (age != null) {
        n.put("oldestAgeSeconds", age);
      } else {
        n.putNull("oldestAgeSeconds");
      }
    }
    lastStats = root;
    lastStatsAt = now;
    return root;
  }

  /** Up to {@code max} dead letters of a DLQ, without bodies (see {@link #body}). */
  ObjectNode peek(String dlq, int max) {
    requireDlq(dlq);
    List<DeadLetter> letters = deadLetters.peek(dlq, max);
    Map<String, String> bodies = new LinkedHashMap<>();
    ObjectNode root = json.createObjectNode().put("dlq", dlq);
    ArrayNode messages = root.putArray("messages");
    for (DeadLetter d : letters) {
      bodies.put(d.messageId(), d.body());
      ObjectNode m = messages.addObject().put("messageId", d.messageId()).put("reason", d.reason())
          .put("receiveCount", d.receiveCount()).put("bodyBytes", d.body().length());
      m.put("type", d.eventType().orElse(null));
      m.put("errorClass", d.errorClass().orElse(null));
      m.put("errorMessage", d.errorMessage().orElse(null));
      m.put("attempts", d.attempts().orElse(null));
      m.put("failedAt", d.failedAt().map(Object::toString).orElse(null));
      m.put("sourceQueue", d.sourceQueueUrl().orElse(null));
      ObjectNode attributes = m.putObject("attributes");
      d.attributes().forEach(attributes::put);
    }
    peekedBodies.put(dlq, bodies);
    return root;
  }

  /** The body of a message shown by the latest peek of {@code dlq}. */
  ObjectNode body(String dlq, String messageId) {
    requireDlq(dlq);
    String body = peekedBodies.getOrDefault(dlq, Map.of()).get(messageId);
    if (body == null) {
      throw ApiException.notFound("messageId", "not among the messages of the latest peek of this DLQ; peek again");
    }
    return json.createObjectNode().put("messageId", messageId).put("body", body);
  }

  /** Moves the matching dead letters back to their source queues. */
  ObjectNode redrive(String dlq, RedriveOptions options) {
    requireDlq(dlq);
    RedriveResult r = deadLetters.redrive(dlq, options);
    peekedBodies.remove(dlq);
    invalidateStats();
    return json.createObjectNode().put("scanned", r.scanned()).put("moved", r.moved()).put("skipped", r.skipped());
  }

  /** Deletes every message of a DLQ ({@code PurgeQueue}). */
  ObjectNode purge(String dlq) {
    requireDlq(dlq);
    long purged = deadLetters.purge(dlq);
    peekedBodies.remove(dlq);
    invalidateStats();
    return json.createObjectNode().put("purgedApproximately", purged);
  }

  private synchronized void invalidateStats() {
    lastStats = null;
  }

  /** Throws a 404 unless {@code dlq} is the AWS name of a DLQ of the topology. */
  void requireDlq(String dlq) {
    boolean known = topology.queues().stream().flatMap(q -> q.dlq().stream())
        .anyMatch(d -> naming.physical(d.name()).equals(dlq));
    if (!known) {
      throw ApiException.notFound("queue", "no such dead-letter queue in the topology");
    }
  }

  private Optional<Map<QueueAttributeName, String>> attributes(String name) {
    String url = urls.get(name);
    if (url == null) {
      Optional<String> found = Live.queueUrl(sqs, name);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      url = found.get();
      urls.put(name, url);
    }
    String queueUrl = url;
    try {
      return Optional.of(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes());
    } catch (QueueDoesNotExistException e) {
      urls.remove(name);
      return Optional.empty();
    }
  }

  private static long number(Map<QueueAttributeName, String> a, QueueAttributeName name) {
    String v = a.get(name);
    try {
      return v == null ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
