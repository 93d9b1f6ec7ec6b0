package dev.evently.topology.dlq;

import dev.evently.event.EventAttributes;
import dev.evently.topology.DlqSpec;
import dev.evently.topology.Naming;
import dev.evently.topology.QueueSpec;
import dev.evently.topology.Topology;
import dev.evently.topology.internal.Live;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Inspects and repairs the dead-letter queues of a topology: {@link #list()}, {@link #peek},
 * {@link #redrive} and {@link #purge}. Queues are named by their logical names from the topology
 * file: the DLQ's ({@code customer-service-dlq}) or its source queue's ({@code customer-service}).
 *
 * <p>Redrive uses receive / send / delete rather than {@code StartMessageMoveTask}, so that it can
 * filter and works on every backend. Each message is sent to its source queue before it is
 * deleted from the DLQ: an interrupted redrive loses nothing, at worst a message is sent twice
 * (consumers are idempotent). Messages looked at but not moved are made visible again at the end;
 * if the process dies, they reappear after the scan's visibility timeout ({@value #SCAN_VISIBILITY_SECONDS} s).
 * Receiving from a DLQ counts as a receive: peeking raises {@code ApproximateReceiveCount}.
 *
 * <p>Thread-safe as far as the SQS client is; concurrent redrives of one DLQ hide messages from
 * each other.
 */
public final class DeadLetters {
  static final int SCAN_VISIBILITY_SECONDS = 120;
  private static final int BATCH = 10;

  private final SqsClient sqs;
  private final Topology topology;
  private final Naming naming;

  public DeadLetters(SqsClient sqs, Topology topology, Naming naming) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.naming = Objects.requireNonNull(naming, "naming");
  }

  /** Every DLQ of the topology with its depth. */
  public List<DlqStatus> list() {
    List<DlqStatus> result = new ArrayList<>();
    for (QueueSpec q : topology.queues()) {
      if (q.dlq().isEmpty()) {
        continue;
      }
      String dlq = naming.physical(q.dlq().get().name());
      String source = naming.physical(q.name());
      Optional<String> url = Live.queueUrl(sqs, dlq);
      if (url.isEmpty()) {
        result.add(new DlqStatus(dlq, source, false, 0, 0));
        continue;
      }
      Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url.get()).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
      result.add(new DlqStatus(dlq, source, true,
          Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
          Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"))));
    }
    return result;
  }

  /**
   * Up to {@code max} messages of a DLQ, without consuming them: they are made visible again
   * before this returns.
   *
   * @throws IllegalArgumentException for an unknown queue or a DLQ that does not exist
   */
  public List<DeadLetter> peek(String queue, int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0, was " + max);
    }
    Target target = resolve(queue);
    List<DeadLetter> letters = new ArrayList<>();
    Map<String, String> held = new LinkedHashMap<>();
    try {
      while (letters.size() < max) {
        List<Message> batch = receive(target.dlqUrl, Math.min(BATCH, max - letters.size()));
        boolean progress = false;
        for (Message m : batch) {
          held.put(m.messageId(), m.receiptHandle());
          if (letters.stream().noneMatch(l -> l.messageId().equals(m.messageId()))) {
            letters.add(DeadLetter.from(m));
            progress = true;
          }
        }
        if (!progress) {
          break;
        }
      }
    } finally {
      release(target.dlqUrl, held.values());
    }
    return letters;
  }

  /** {@link #redrive(String, RedriveOptions, Consumer)} without progress reports. */
  public RedriveResult redrive(String queue, RedriveOptions options) {
    return redrive(queue, options, d -> {});
  }

  /**
   * Moves matching messages from a DLQ back to their source queue: the {@code dlq-source-queue}
   * attribute when present, else the queue of the topology that this DLQ serves. The body and the
   * message attributes are kept, the {@code dlq-*} attributes dropped. For FIFO queues the message
   * group is kept and the DLQ message id becomes the deduplication id.
   *
   * @param moved called after each message moved
   * @throws IllegalArgumentException for an unknown queue or a DLQ that does not exist
   */
  public RedriveResult redrive(String queue, RedriveOptions options, Consumer<DeadLetter> moved) {
    Objects.requireNonNull(options, "options");
    Target target = resolve(queue);
    Pacer pacer = new Pacer(options.ratePerSecond());
    Set<String> seen = new HashSet<>();
    Map<String, String> held = new HashMap<>();
    int scanned = 0;
    int count = 0;
    int skipped = 0;
    try {
      while (count < options.limit()) {
        List<Message> batch = receive(target.dlqUrl, BATCH);
        boolean progress = false;
        for (Message m : batch) {
          held.put(m.messageId(), m.receiptHandle());
          if (!seen.add(m.messageId())) {
            continue;
          }
          progress = true;
          scanned++;
          DeadLetter letter = DeadLetter.from(m);
          if (count >= options.limit() || !options.matches(letter)) {
            skipped++;
            continue;
          }
          pacer.await();
          String destination = letter.sourceQueueUrl().orElseGet(target::sourceUrl);
          sqs.sendMessage(resend(m, destination));
          sqs.deleteMessage(r -> r.queueUrl(target.dlqUrl).receiptHandle(m.receiptHandle()));
          held.remove(m.messageId());
          count++;
          moved.accept(letter);
        }
        if (!progress) {
          break;
        }
      }
    } finally {
      release(target.dlqUrl, held.values());
    }
    return new RedriveResult(scanned, count, skipped);
  }

  /**
   * Deletes every message of a DLQ ({@code PurgeQueue}; AWS may take up to a minute and allows
   * one purge per minute). Returns the approximate number of messages it held.
   */
  public long purge(String queue) {
    Target target = resolve(queue);
    String count = sqs.getQueueAttributes(r -> r.queueUrl(target.dlqUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
        .getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0");
    sqs.purgeQueue(r -> r.queueUrl(target.dlqUrl));
    return Long.parseLong(count);
  }

  private SendMessageRequest resend(Message m, String destination) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    m.messageAttributes().forEach((k, v) -> {
      if (!k.startsWith(EventAttributes.DLQ_PREFIX)) {
        attributes.put(k, v);
      }
    });
    SendMessageRequest.Builder b = SendMessageRequest.builder().queueUrl(destination).messageBody(m.body())
        .messageAttributes(attributes);
    String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    if (destination.endsWith(".fifo")) {
      b.messageGroupId(group != null ? group : m.messageId()).messageDeduplicationId(m.messageId());
    }
    return b.build();
  }

  private List<Message> receive(String url, int max) {
    return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(1)
        .visibilityTimeout(SCAN_VISIBILITY_SECONDS).messageAttributeNames("All")
        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
  }

  private void release(String url, Iterable<String> receiptHandles) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (String handle : receiptHandles) {
      entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(entries.size()))
          .receiptHandle(handle).visibilityTimeout(0).build());
      if (entries.size() == BATCH) {
        flush(url, entries);
      }
    }
    if (!entries.isEmpty()) {
      flush(url, entries);
    }
  }

  private void flush(String url, List<ChangeMessageVisibilityBatchRequestEntry> entries) {
    List<ChangeMessageVisibilityBatchRequestEntry> copy = List.copyOf(entries);
    entries.clear();
    sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(copy));
  }

  private Target resolve(String queue) {
    Objects.requireNonNull(queue, "queue");
    for (QueueSpec q : topology.queues()) {
      Optional<DlqSpec> d = q.dlq();
      if (d.isEmpty()) {
        continue;
      }
      List<String> names = List.of(d.get().name(), q.name(), naming.physical(d.get().name()), naming.physical(q.name()));
      if (names.contains(queue)) {
        String dlq = naming.physical(d.get().name());
        String url = Live.queueUrl(sqs, dlq).orElseThrow(() -> new IllegalArgumentException(
            "dead-letter queue '" + dlq + "' does not exist; run apply first"));
        return new Target(url, naming.physical(q.name()));
      }
    }
    List<String> known = topology.queues().stream().flatMap(q -> q.dlq().stream()).map(DlqSpec::name).toList();
    throw new IllegalArgumentException("no dead-letter queue '" + queue + "' in " + topology.source()
        + "; known: " + (known.isEmpty() ? "none" : String.join(", ", known)));
  }

  private final class Target {
    final String dlqUrl;
    final String sourceName;
    private String sourceUrl;

    Target(String dlqUrl, String sourceName) {
      this.dlqUrl = dlqUrl;
      this.sourceName = sourceName;
    }

    String sourceUrl() {
      if (sourceUrl == null) {
        sourceUrl = Live.queueUrl(sqs, sourceName).orElseThrow(() -> new IllegalStateException(
            "source queue '" + sourceName + "' does not exist; run apply first"));
      }
      return sourceUrl;
    }
  }

  /** Spaces sends evenly at the given rate. */
  private static final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(double perSecond) {
      this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    void await() {
      long now = System.nanoTime();
      while (now < next) {
        if (Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("redrive interrupted; messages not yet moved stay in the DLQ");
        }
        LockSupport.parkNanos(next - now);
        now = System.nanoTime();
      }
      next = Math.max(now, next) + intervalNanos;
    }
  }
}
