package dev.evently.publish.internal;

import dev.evently.payload.PayloadLocation;
import dev.evently.payload.PayloadStore;
import dev.evently.payload.internal.Pointers;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.PublishException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The publisher's claim-check: a message over {@code threshold} bytes (body plus attributes, as
 * SNS counts them) is stored in the {@link PayloadStore} first, then published as our pointer
 * ({@link Pointers#pointerBody}) with the same attributes, so filter policies on {@code
 * event-type} and the trace attributes still apply. The object is never deleted by us. Thread-safe.
 */
public final class Offloader {
  private final PayloadStore store;
  private final int threshold;
  private final Set<CompletableFuture<?>> uploads = ConcurrentHashMap.newKeySet();

  public Offloader(PayloadStore store, int threshold) {
    this.store = store;
    this.threshold = threshold;
  }

  public int threshold() {
    return threshold;
  }

  /** The size SNS counts for {@code m}: UTF-8 body plus every String attribute. */
  public static long size(EncodedMessage m) {
    long size = MessageSize.utf8Length(m.body());
    for (Map.Entry<String, String> a : m.attributes().entrySet()) {
      size += MessageSize.stringAttribute(a.getKey(), a.getValue());
    }
    return size;
  }

  /** Whether {@code m} goes through the store; a quick length test first, so small messages cost nothing. */
  public boolean isLarge(EncodedMessage m) {
    long chars = m.body().length();
    for (Map.Entry<String, String> a : m.attributes().entrySet()) {
      chars += a.getKey().length() + a.getValue().length() + "String".length();
    }
    return chars * 3 > threshold && size(m) > threshold; // at most 3 UTF-8 bytes per char
  }

  /**
   * Stores the body and completes with the pointer message to publish in its place. Fails with a
   * {@link PublishException}: retryable when the store failed (nothing was published), not
   * retryable when the body is not a structured CloudEvent.
   */
  public CompletableFuture<EncodedMessage> pointer(EncodedMessage m) {
    String what = "event " + m.eventId() + " of type " + m.type();
    if (!m.body().startsWith("{")) { // binary mode or not JSON: no CloudEvent to point with
      return CompletableFuture.failedFuture(new PublishException(m.eventId(), what + " cannot be offloaded: body:"
          + " only a structured CloudEvent (a JSON object with specversion) can be offloaded", false, null));
    }
    byte[] bytes = Pointers.utf8(m.body());
    String sha = Pointers.sha256Hex(bytes);
    CompletableFuture<PayloadLocation> put = putQuietly(sha, bytes);
    uploads.add(put);
    put.whenComplete((r, t) -> uploads.remove(put));
    return put.handle((location, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        throw new PublishException(m.eventId(), what + " (" + bytes.length + " bytes) was not published: storing its"
            + " payload failed: " + cause.getClass().getName(), true, cause);
      }
      try {
        String pointer = Pointers.pointerBody(m.body(), location, bytes.length, sha);
        return new EncodedMessage(m.eventId(), m.type(), pointer, m.attributes(), m.messageGroupId(), m.deduplicationId());
      } catch (IllegalArgumentException e) {
        throw new PublishException(m.eventId(), what + " cannot be offloaded: " + e.getMessage(), false, null);
      }
    });
  }

  private CompletableFuture<PayloadLocation> putQuietly(String sha, byte[] bytes) {
    try {
      return store.put(sha, bytes);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Waits at most {@code timeout} for uploads in progress (their events then go to the sender). */
  public void awaitUploads(Duration timeout) {
    try {
      CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new))
          .handle((r, t) -> null)
          .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // timed out: the sender's close fails what is left
    }
  }
}
