package dev.evently.consume.internal;

import dev.evently.event.DecodedEvent;
import dev.evently.event.EventCodec;
import dev.evently.event.EventDecodingException;
import dev.evently.payload.PayloadException;
import dev.evently.payload.PayloadFailure;
import dev.evently.payload.PayloadMissingException;
import dev.evently.payload.PayloadStore;
import dev.evently.payload.internal.Pointers;
import dev.evently.payload.internal.Pointers.Found;
import dev.evently.payload.internal.Pointers.Invalid;
import dev.evently.payload.internal.Pointers.NotAPointer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a large event's pointer (ours or the AWS extended clients', raw or SNS-wrapped) before
 * decoding: the checks are {@link Pointers}' pure functions, the one I/O is {@link
 * PayloadStore#get}. A pointer into a bucket the store does not read, or over the codec's limit, is
 * refused without a call; a fetched object of another size, SHA-256 or event is refused; those
 * are dead-lettered with {@code PAYLOAD_*} reasons and never reach a handler. A missing or
 * unreadable object is retried, and dead-lettered with its reason on the last attempt. Objects are
 * never deleted: other subscribers of the topic, and redriven messages, need them. Thread-safe.
 */
final class PayloadResolver {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadResolver.class);

  private final PayloadStore store;
  private final EventCodec codec;
  private final String consumer;

  PayloadResolver(PayloadStore store, EventCodec codec, String consumer) {
    this.store = store;
    this.codec = codec;
    this.consumer = consumer;
  }

  /**
   * Null when {@code m} is no pointer (decode it as usual); else a future, never failing, that
   * completes once {@code m} is decoded, undecodable, or has its fate decided early.
   */
  CompletableFuture<Void> resolve(InFlightMessage m) {
    Pointers.Detected detected = Pointers.detect(m.message().body(), m.textAttributes());
    if (detected instanceof NotAPointer) {
      return null;
    }
    if (detected instanceof Invalid invalid) {
      reject(m, invalid.error());
      return CompletableFuture.completedFuture(null);
    }
    Found found = (Found) detected;
    PayloadException refused = Pointers.beforeFetch(found.pointer(), store.buckets(), codec.maxBytes());
    if (refused != null) {
      reject(m, refused);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<byte[]> fetch;
    try {
      fetch = store.get(found.pointer().location(), codec.maxBytes());
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    return fetch.handle((bytes, error) -> {
      try {
        if (error != null) {
          unavailable(m, error);
        } else {
          decode(m, found, bytes);
        }
      } catch (RuntimeException e) {
        unavailable(m, e);
      }
      return null;
    });
  }

  private void decode(InFlightMessage m, Found found, byte[] bytes) {
    PayloadException mismatch = Pointers.afterFetch(found.pointer(), bytes, codec.maxBytes());
    if (mismatch != null) {
      reject(m, mismatch);
      return;
    }
    long sent = m.sentTimestampMillis();
    Instant deliveredAt = found.deliveredAt() != null ? found.deliveredAt() : sent < 0 ? null : Instant.ofEpochMilli(sent);
    try {
      DecodedEvent decoded = codec.decode(new String(bytes, StandardCharsets.UTF_8), found.attributes(), deliveredAt);
      PayloadException other = Pointers.sameEvent(found.pointer(), decoded.event().id(), decoded.event().type());
      if (other != null) {
        reject(m, other);
        return;
      }
      m.decoded(decoded.event(), decoded.timeDerived());
    } catch (EventDecodingException e) {
      m.undecodable(e);
    }
  }

  private void reject(InFlightMessage m, PayloadException e) {
    LOG.debug("consumer '{}': message {}: {}", consumer, m.messageId(), e.getMessage());
    m.decidedEarly(new Decision.Rejected(e.failure().dlqReason(), e));
  }

  private void unavailable(InFlightMessage m, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    PayloadFailure failure = cause instanceof PayloadMissingException ? PayloadFailure.MISSING : PayloadFailure.UNAVAILABLE;
    PayloadException e = new PayloadException(
        failure,
        "dataref: the object " + (failure == PayloadFailure.MISSING ? "does not exist" : "could not be read: "
            + cause.getClass().getName()),
        cause);
    m.decidedEarly(new Decision.Unavailable(failure.dlqReason(), e));
  }
}
