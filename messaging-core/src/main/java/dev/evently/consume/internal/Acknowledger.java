package dev.evently.consume.internal;

import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Deletes and visibility changes, batched: DeleteMessageBatch and ChangeMessageVisibilityBatch of
 * up to 10 entries, sent when 10 are queued or on {@link #flush()}. Every entry's result is
 * checked; a refused entry is counted and logged (the message is then redelivered: a duplicate,
 * never a loss). A refused heartbeat extension is undone so the next heartbeat makes it again.
 * Adding never blocks. Thread-safe.
 */
public final class Acknowledger {
  private static final Logger LOG = LoggerFactory.getLogger(Acknowledger.class);

  /** For a heartbeat extension, {@code extendedFromNanos} is the deadline it replaced. */
  private record VisibilityChange(InFlightMessage message, int seconds, boolean extension, long extendedFromNanos) {}

  private final SqsAsyncClient client;
  private final String queueUrl;
  private final String consumer;
  private final ConsumerMetrics metrics;
  private final Batcher<InFlightMessage> deletes = new Batcher<>(this::deleteBatch);
  private final Batcher<VisibilityChange> visibility = new Batcher<>(this::visibilityBatch);
  private final Set<CompletableFuture<?>> releases = ConcurrentHashMap.newKeySet();

  private final ConsumerTracing tracing;

  /** {@code tracing}: null when the consumer does not trace. */
  public Acknowledger(
      SqsAsyncClient client, String queueUrl, String consumer, ConsumerMetrics metrics, ConsumerTracing tracing) {
    this.client = client;
    this.queueUrl = queueUrl;
    this.consumer = consumer;
    this.metrics = metrics;
    this.tracing = tracing;
  }

  public void delete(InFlightMessage m) {
    deletes.add(m);
  }

  /** Makes the message visible again after {@code seconds} (0: at once). */
  public void changeVisibility(InFlightMessage m, int seconds) {
    visibility.add(new VisibilityChange(m, seconds, false, 0));
  }

  /** A heartbeat extension to {@code untilNanos}, {@code seconds} from now. */
  public void extend(InFlightMessage m, int seconds, long untilNanos) {
    long before = m.visibleAtNanos();
    m.extendedUntil(untilNanos);
    visibility.add(new VisibilityChange(m, seconds, true, before));
  }

  /** Sends every queued delete now. */
  public void flushDeletes() {
    deletes.flush();
  }

  /** Sends every queued visibility change now. */
  public void flushVisibility() {
    visibility.flush();
  }

  public void flush() {
    deletes.flush();
    visibility.flush();
  }

  /** Flushes both and completes when every call sent so far has completed. */
  public CompletableFuture<Void> flushAndDrain() {
    return CompletableFuture.allOf(
        deletes.flushAndDrain(),
        visibility.flushAndDrain(),
        CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)));
  }

  /** Messages received after shutdown began: visible again at once, in one unbatched call. */
  public void releaseNow(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      entries.add(visibilityEntry(i, messages.get(i).receiptHandle(), 0));
    }
    CompletableFuture<?> f;
    try {
      f = client.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)).handle((r, t) -> null);
    } catch (RuntimeException e) {
      return;
    }
    releases.add(f);
    f.whenComplete((r, t) -> releases.remove(f));
  }

  private CompletableFuture<?> deleteBatch(List<InFlightMessage> batch) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle())
              .build());
    }
    Span span = tracing == null ? null : tracing.startSettle("DeleteMessageBatch", batch);
    return client
        .deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries))
        .whenComplete(
            (response, error) -> {
              reportFailures("delete", batch, error, error != null ? List.of() : response.failed());
              if (span != null) {
                ConsumerTracing.end(span, error);
              }
            });
  }

  private CompletableFuture<?> visibilityBatch(List<VisibilityChange> batch) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
    List<InFlightMessage> messages = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      VisibilityChange c = batch.get(i);
      messages.add(c.message());
      entries.add(visibilityEntry(i, c.message().receiptHandle(), c.seconds()));
    }
    Span span = tracing == null ? null : tracing.startSettle("ChangeMessageVisibilityBatch", messages);
    return client
        .changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries))
        .whenComplete(
            (response, error) -> {
              if (span != null) {
                ConsumerTracing.end(span, error);
              }
              List<BatchResultErrorEntry> failed = error != null ? List.of() : response.failed();
              reportFailures("visibility change", messages, error, failed);
              undoFailedExtensions(batch, error != null ? null : failed);
            });
  }

  /**
   * A failed extension is made again at the next heartbeat, not only when half a visibility
   * timeout has passed since it was attempted (by then the message would be visible again).
   *
   * @param failed the refused entries, or null when the whole call failed
   */
  private static void undoFailedExtensions(List<VisibilityChange> batch, List<BatchResultErrorEntry> failed) {
    for (int i = 0; i < batch.size(); i++) {
      VisibilityChange c = batch.get(i);
      String id = Integer.toString(i);
      if (c.extension() && (failed == null || failed.stream().anyMatch(f -> id.equals(f.id())))) {
        c.message().extendedUntil(c.extendedFromNanos());
      }
    }
  }

  private static ChangeMessageVisibilityBatchRequestEntry visibilityEntry(int id, String receiptHandle, int seconds) {
    return ChangeMessageVisibilityBatchRequestEntry.builder()
        .id(Integer.toString(id))
        .receiptHandle(receiptHandle)
        .visibilityTimeout(seconds)
        .build();
  }

  private void reportFailures(
      String action, List<InFlightMessage> batch, Throwable error, List<BatchResultErrorEntry> failed) {
    if (error != null) {
      metrics.acknowledgementFailed(batch.size());
      LOG.warn(
          "consumer '{}': {} of {} messages failed ({}); they may be redelivered",
          consumer,
          action,
          batch.size(),
          unwrap(error).toString());
      return;
    }
    for (BatchResultErrorEntry entry : failed) {
      metrics.acknowledgementFailed(1);
      String id = batch.get(Integer.parseInt(entry.id())).messageId();
      LOG.warn(
          "consumer '{}': {} of message {} failed: {} {}; it may be redelivered",
          consumer,
          action,
          id,
          entry.code(),
          entry.message());
    }
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
