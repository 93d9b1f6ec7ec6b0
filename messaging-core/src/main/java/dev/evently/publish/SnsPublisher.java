package dev.evently.publish;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.internal.Checks;
import dev.evently.payload.PayloadStore;
import dev.evently.publish.internal.BatchSender;
import dev.evently.publish.internal.MessageEncoder;
import dev.evently.publish.internal.Offloader;
import dev.evently.publish.internal.PublishPath;
import dev.evently.publish.internal.TopicLimits;
import dev.evently.retry.Backoff;
import dev.evently.tracing.MessagingTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * Publishes events to one SNS topic with {@code PublishBatch}, batching automatically.
 *
 * <p><b>Two entries.</b> {@link #publish(Event)} encodes the event in the calling thread (the
 * codec's CloudEvents body, the String attribute {@link EventAttributes#TYPE} that subscriptions
 * filter on, and on FIFO topics the group and deduplication ids) into an {@link EncodedMessage} and
 * publishes it with {@link #publishEncoded(EncodedMessage)}, the lower-level entry that sends a
 * message encoded earlier exactly as it is (the outbox relay sends the stored message with it).
 *
 * <p><b>Batching.</b> A batch is sent when it holds 10 entries, when the next message would push
 * its total size past {@link Builder#maxMessageBytes(int)} (SNS counts the whole PublishBatch),
 * when its {@link Builder#linger(Duration) linger} expires (0 = at once), and on {@link #close()}.
 * Up to {@link Builder#maxConcurrentBatches(int)} batches are in flight at once (1 on FIFO topics,
 * so a message group keeps the order of the publish calls); while all slots are busy, due batches
 * keep filling. On standard topics concurrent batches and retries may reorder events.
 *
 * <p><b>Back-pressure.</b> The publisher holds at most {@link Builder#maxBufferedEvents(int)}
 * events without an outcome (buffered, in flight or waiting for a retry; default 10,000).
 * Publishing never blocks: an event published while the publisher is full is not sent, and its
 * future fails at once with a retryable {@link BufferFullException}; the caller decides whether to
 * slow down and publish it again (the outbox relay retries the row later). A slot is freed just
 * before its event's future completes, so a completion callback may publish again.
 *
 * <p><b>FIFO topics</b> (name ending in {@code .fifo}): {@code MessageGroupId} and {@code
 * MessageDeduplicationId} come from {@link Builder#messageGroupId(Function)} (default: the event's
 * subject, its id without one) and {@link Builder#deduplicationId(Function)} (default: its id). A
 * message whose group id is missing, or whose id is empty, longer than 128 characters or has a
 * character other than a-z, A-Z, 0-9 and ASCII punctuation, is not sent: its future alone fails
 * with an {@link IllegalArgumentException} naming the field (SNS would refuse the whole batch).
 *
 * <p><b>Outcome.</b> A future completes with the SNS message id once SNS accepted that very entry
 * (every entry of every answer is checked), or exceptionally with a {@link PublishException} naming
 * the event id, type, SNS error code and message; never as published when its entry failed.
 * Throttling, internal/5xx and transport failures are retried after the {@link
 * Builder#retryBackoff(Backoff) retry backoff}, up to {@link Builder#maxAttempts(int)} attempts,
 * then fail retryable; other failures fail only that event, not retryable. A message larger than
 * {@code maxMessageBytes}, or an event the codec cannot encode, fails before any call, not
 * retryable, naming its id, type and size (with a {@link Builder#payloadStore payload store} it is
 * offloaded instead: see {@code docs/LARGE-EVENTS.md}). A failed future means SNS may or may not have the event
 * (a timeout can hide a success): publishing it again is safe because consumers deduplicate by id.
 *
 * <p><b>Threads.</b> Immutable configuration; thread-safe. Futures complete on SDK threads, on the
 * publisher's one daemon scheduler thread (linger, retries) or, when refused before any call, in
 * the calling thread: do not block in their callbacks. {@link #close()} sends the open batch, waits
 * for every outcome but at most {@link Builder#closeTimeout(Duration) closeTimeout} (default 30 s),
 * then fails the rest with a retryable {@code PublishException}; on return every future is
 * complete. It does not close the SNS client, which the caller owns. After close every publish
 * fails with an {@link IllegalStateException}.
 */
public final class SnsPublisher implements EventPublisher {
  /** Entries per PublishBatch call, fixed by SNS. */
  public static final int MAX_BATCH_ENTRIES = BatchSender.MAX_BATCH_ENTRIES;
  /** The default and SNS's standard size limit of one message and of one PublishBatch: 256 KiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
  /** The largest size a topic can be configured to accept: 1 MiB. */
  public static final int MAX_MESSAGE_BYTES_LIMIT = 1024 * 1024;
  /** The default of {@link Builder#maxBufferedEvents(int)}. */
  public static final int DEFAULT_MAX_BUFFERED_EVENTS = 10_000;
  /** The default of {@link Builder#closeTimeout(Duration)}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** The default of {@link Builder#retryBackoff(Backoff)}: 50 ms doubling up to 2 s, up to 50% jitter. */
  public static final Backoff DEFAULT_RETRY_BACKOFF = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(2), 0.5);

  private final BatchSender.Settings settings;
  private final PublishPath path;
  private final int offloadThreshold;

  private SnsPublisher(
      Builder b, String topicArn, int maxMessageBytes, Function<? super Event<?>, String> groupId,
      Function<? super Event<?>, String> dedupId) {
    String topicName = topicArn.substring(topicArn.lastIndexOf(':') + 1);
    boolean fifo = topicName.endsWith(".fifo");
    this.settings =
        new BatchSender.Settings(
            topicArn, topicName, fifo, b.linger, maxMessageBytes, fifo ? 1 : b.maxConcurrentBatches,
            b.maxAttempts, b.retryBackoff, b.maxBufferedEvents, b.closeTimeout);
    this.offloadThreshold = b.payloadStore == null ? 0 : b.offloadThreshold != null ? b.offloadThreshold : maxMessageBytes;
    this.path =
        PublishPath.create(
            settings, b.client, new MessageEncoder(b.codec, fifo ? groupId : null, fifo ? dedupId : null),
            b.meterRegistry, b.openTelemetry != null ? b.openTelemetry : MessagingTracing.globalOrNull(),
            b.payloadStore == null ? null : new Offloader(b.payloadStore, offloadThreshold));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The topic's ARN (given, or resolved from its name when the publisher was built). */
  public String topicArn() {
    return settings.topicArn();
  }

  public boolean isFifo() {
    return settings.fifo();
  }

  public Duration linger() {
    return settings.linger();
  }

  public int maxMessageBytes() {
    return settings.maxMessageBytes();
  }

  /** The batches allowed in flight: as configured, or 1 on a FIFO topic. */
  public int maxConcurrentBatches() {
    return settings.maxConcurrentBatches();
  }

  public int maxAttempts() {
    return settings.maxAttempts();
  }

  public Backoff retryBackoff() {
    return settings.backoff();
  }

  public int maxBufferedEvents() {
    return settings.maxBufferedEvents();
  }

  public Duration closeTimeout() {
    return settings.closeTimeout();
  }

  /**
   * The size above which an event is stored in the payload store and published as a pointer; 0
   * without a payload store.
   */
  public int offloadThreshold() {
    return offloadThreshold;
  }

  /** Encodes and publishes one event (see the class comment); throws NPE for a null event. */
  @Override
  public CompletableFuture<String> publish(Event<?> event) {
    return path.publish(event);
  }

  /**
   * Publishes a message encoded earlier, as it is (body and attributes unchanged; a large one is
   * offloaded like any other); on FIFO topics with its group id (required) and deduplication id.
   * See the class comment; NPE for null.
   */
  @Override
  public CompletableFuture<String> publishEncoded(EncodedMessage message) {
    return path.publishEncoded(message);
  }

  /** Publishes several events, batching them together; one future per event, in the same order. */
  @Override
  public List<CompletableFuture<String>> publishAll(Collection<? extends Event<?>> events) {
    return path.publishAll(events);
  }

  /**
   * Sends what is buffered and blocks until every accepted event has its outcome (retries
   * included), but at most {@link Builder#closeTimeout(Duration) closeTimeout}. Then every event
   * still without an outcome fails with a retryable {@link PublishException}: "not sent" when it
   * never left the buffer, "not confirmed" when a call for it was made (SNS may or may not have
   * it); a late answer from SNS no longer changes its future. On return every future is complete,
   * except when the waiting thread was interrupted: that stops the wait, not the publishing.
   * Idempotent.
   */
  @Override
  public void close() {
    path.close(settings.closeTimeout());
  }

  @Override
  public String toString() {
    return "SnsPublisher[" + settings.topicArn() + "]";
  }

  /**
   * Builder; {@link #client}, {@link #topic} and {@link #codec} are required. Each setter validates
   * its value and throws {@link IllegalArgumentException} naming the field; {@link #build()} checks
   * the options against each other.
   */
  public static final class Builder {
    private SnsAsyncClient client;
    private String topic;
    private EventCodec codec;
    private Function<? super Event<?>, String> groupId;
    private Function<? super Event<?>, String> deduplicationId;
    private Duration linger = Duration.ofMillis(5);
    private Integer maxMessageBytes;
    private PayloadStore payloadStore;
    private Integer offloadThreshold;
    private int maxConcurrentBatches = 8;
    private int maxAttempts = 5;
    private Backoff retryBackoff = DEFAULT_RETRY_BACKOFF;
    private MeterRegistry meterRegistry;
    private int maxBufferedEvents = DEFAULT_MAX_BUFFERED_EVENTS;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private OpenTelemetry openTelemetry;

    private Builder() {}

    /**
     * The SNS client, built by the caller with the SDK's own configuration chain (AWS_REGION,
     * AWS_ENDPOINT_URL, profiles). The publisher never closes it.
     */
    public Builder client(SnsAsyncClient client) {
      this.client = Checks.notNull(client, "client");
      return this;
    }

    /**
     * The topic to publish to: its name (e.g. {@code order-events}), resolved once to its ARN by
     * {@link #build()} with {@code ListTopics} (see {@link TopicResolver}; the topic must exist),
     * or its ARN ({@code arn:aws:sns:region:account:name}), used as it is. A name ending in {@code
     * .fifo} is a FIFO topic.
     */
    public Builder topic(String nameOrArn) {
      this.topic = TopicResolver.requireNameOrArn(nameOrArn, "topic");
      return this;
    }

    /** Encodes events; its type registry decides which events can be published. */
    public Builder codec(EventCodec codec) {
      this.codec = Checks.notNull(codec, "codec");
      return this;
    }

    /**
     * FIFO topics only: the {@code MessageGroupId} of an event. Default: its subject, or its id when
     * it has none. A function that throws fails that event's future with a non-retryable {@link
     * PublishException}; one that returns null, with an {@link IllegalArgumentException}. Events sent through the outbox get the group id the {@code Outbox}
     * stored when they were written (see {@code Outbox.Builder#messageGroupId}).
     */
    public Builder messageGroupId(Function<? super Event<?>, String> groupId) {
      this.groupId = Checks.notNull(groupId, "messageGroupId");
      return this;
    }

    /**
     * FIFO topics only: the {@code MessageDeduplicationId} of an event; SNS drops a second message
     * with the same id within 5 minutes. Default: the event's id. A function that returns null
     * sends none, leaving deduplication to the topic's content-based deduplication (the topic must
     * have it enabled, or SNS refuses the entry).
     */
    public Builder deduplicationId(Function<? super Event<?>, String> deduplicationId) {
      this.deduplicationId = Checks.notNull(deduplicationId, "deduplicationId");
      return this;
    }

    /** How long a batch that is not full waits for more events; 0 sends at once. Default 5 ms. */
    public Builder linger(Duration linger) {
      if (linger == null || linger.isNegative()) {
        throw new IllegalArgumentException("linger must be >= 0");
      }
      if (linger.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("linger must be <= 1 minute");
      }
      this.linger = linger;
      return this;
    }

    /**
     * The size limit of one message, and of one PublishBatch in total, in bytes as SNS counts
     * them (body plus attributes). Default: the topic's {@code MaximumMessageSize}, read once by
     * {@link #build()} ({@code GetTopicAttributes}; 256 KiB when the topic has none or it cannot be
     * read); at most 1 MiB. Set it to skip that look-up; {@code build()} does not check it against
     * the topic.
     */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = Checks.inRange(maxMessageBytes, 1024, MAX_MESSAGE_BYTES_LIMIT, "maxMessageBytes");
      return this;
    }

    /**
     * Stores events larger than {@link #offloadThreshold(int)} in {@code store} (e.g. {@code
     * messaging-s3}'s {@code S3PayloadStore}) and publishes a pointer instead: a CloudEvent of the
     * same {@code id}, {@code type}, {@code subject} and extensions, without {@code data}, with
     * {@code dataref} ({@code s3://bucket/key}), {@code payloadsize} and {@code payloadsha256}; the
     * message attributes ({@code event-type}, trace context) are unchanged, so filter policies and
     * tracing work as for any event. The upload happens before the PublishBatch call; when it
     * fails the event's future fails with a retryable {@link PublishException} and nothing is
     * published. Objects are never deleted by the toolkit (a lifecycle rule expires them). Default
     * none: events over {@code maxMessageBytes} fail.
     */
    public Builder payloadStore(PayloadStore store) {
      this.payloadStore = Checks.notNull(store, "payloadStore");
      return this;
    }

    /**
     * With a {@link #payloadStore}: the size (body plus attributes, as SNS counts it) above which
     * an event is offloaded. Default: {@code maxMessageBytes}, i.e. only what the topic would
     * refuse. At least 1,024 and at most {@code maxMessageBytes}.
     */
    public Builder offloadThreshold(int bytes) {
      this.offloadThreshold = Checks.inRange(bytes, 1024, MAX_MESSAGE_BYTES_LIMIT, "offloadThreshold");
      return this;
    }

    /** How many PublishBatch calls may be in flight at once (standard topics). Default 8. */
    public Builder maxConcurrentBatches(int maxConcurrentBatches) {
      this.maxConcurrentBatches = Checks.inRange(maxConcurrentBatches, 1, 1024, "maxConcurrentBatches");
      return this;
    }

    /** Attempts per event in total, the first included, for retryable failures. Default 5. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = Checks.inRange(maxAttempts, 1, 100, "maxAttempts");
      return this;
    }

    /**
     * The wait before each retry of a retryable failure. Default {@link #DEFAULT_RETRY_BACKOFF}
     * (50 ms doubling up to 2 s, up to 50% jitter); its initial delay must be > 0.
     */
    public Builder retryBackoff(Backoff retryBackoff) {
      Checks.notNull(retryBackoff, "retryBackoff");
      if (retryBackoff.initial().isZero()) {
        throw new IllegalArgumentException("retryBackoff initial must be > 0");
      }
      this.retryBackoff = retryBackoff;
      return this;
    }

    /**
     * Records {@code evently.publish.published} and {@code evently.publish.failed} (counters),
     * {@code evently.publish.batch.size} (distribution) and {@code evently.publish.buffered}
     * (gauge: events held without an outcome, at most {@link #maxBufferedEvents(int)}), tagged
     * with the topic name; with a {@link #payloadStore payload store}, {@code
     * evently.publish.offloaded} (counter: events published as a pointer to their stored payload); and by the OpenTelemetry messaging conventions {@code
     * messaging.client.sent.messages} and {@code messaging.client.operation.duration} (see {@code
     * docs/consumer.md#metrics}; the {@code evently.publish.*} names stay for one release). Default none.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * How many events the publisher holds at most without an outcome: buffered, in flight or
     * waiting for a retry. An event published while that many are held is not sent: its future
     * fails at once with a {@link BufferFullException}, and publishing never blocks. Each slot is
     * free again just before its event's future completes. Default 10,000.
     */
    public Builder maxBufferedEvents(int maxBufferedEvents) {
      if (maxBufferedEvents < 1) {
        throw new IllegalArgumentException("maxBufferedEvents must be >= 1");
      }
      this.maxBufferedEvents = maxBufferedEvents;
      return this;
    }

    /**
     * How long {@link SnsPublisher#close()} waits for outstanding events before it fails them;
     * 0 fails them at once. Default 30 s.
     */
    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be >= 0");
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Traces with {@code openTelemetry} (default: the global one, if the application registered
     * it; otherwise no tracing at all): a {@code create} span per message, whose context the
     * message carries to consumers, and a {@code send} span per PublishBatch call (see {@link
     * MessagingTracing}). {@link SnsPublisher#publishEncoded} continues the trace the message carries.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Checks.notNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Builds the publisher; a topic given by name is resolved here, once (blocking).
     *
     * @throws IllegalArgumentException naming the missing or conflicting option
     * @throws IllegalStateException naming the topic when no topic has that name
     * @throws software.amazon.awssdk.core.exception.SdkException when SNS cannot be asked
     */
    public SnsPublisher build() {
      Checks.isSet(client, "client");
      Checks.isSet(topic, "topic");
      Checks.isSet(codec, "codec");
      boolean fifo = topic.endsWith(".fifo");
      if (!fifo && (groupId != null || deduplicationId != null)) {
        throw new IllegalArgumentException(
            (groupId != null ? "messageGroupId" : "deduplicationId")
                + " applies to FIFO topics only, but topic " + topic + " is a standard topic");
      }
      if (offloadThreshold != null && payloadStore == null) {
        throw new IllegalArgumentException("offloadThreshold needs a payloadStore");
      }
      String arn = topic.startsWith("arn:") ? topic : TopicResolver.topicArn(client, topic);
      int limit = maxMessageBytes != null ? maxMessageBytes : TopicLimits.lookUp(client, arn);
      if (offloadThreshold != null && offloadThreshold > limit) {
        throw new IllegalArgumentException(
            "offloadThreshold must be <= maxMessageBytes (default: the topic's MaximumMessageSize) " + limit);
      }
      return new SnsPublisher(
          this, arn, limit, groupId != null ? groupId : MessageEncoder.SUBJECT_OR_ID,
          deduplicationId != null ? deduplicationId : MessageEncoder.EVENT_ID);
    }
  }
}
