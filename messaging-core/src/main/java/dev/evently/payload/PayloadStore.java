package dev.evently.payload;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where the body of an event too large for SNS is kept while its pointer travels (the
 * claim-check pattern). {@code messaging-s3}'s {@code S3PayloadStore} is the implementation; the
 * publisher ({@code SnsPublisher.Builder#payloadStore}) stores, the consumer ({@code
 * SqsConsumer.Builder#payloadStore}) fetches.
 *
 * <p><b>No delete.</b> Nothing here deletes: with SNS fan-out one object serves every subscribed
 * queue, and a message may be redriven from a DLQ days later. Objects expire by the bucket's
 * lifecycle rule, which must outlive the longest retention of every queue that can receive the
 * pointer (see {@code docs/LARGE-EVENTS.md}).
 *
 * <p>Implementations must be thread-safe and must not block the calling thread.
 */
public interface PayloadStore {

  /**
   * The buckets whose objects this store may read: the one it writes to, and any others it was
   * allowed to read (e.g. a bucket the AWS extended clients write to). A consumer refuses a pointer
   * into any other bucket without a call. Never empty; the same set on every call.
   */
  Set<String> buckets();

  /**
   * Stores {@code payload}, whose SHA-256 is {@code sha256Hex}, and completes with its location
   * once it can be read. Storing the same payload twice is harmless (the key is derived from the
   * digest). A failed future means the pointer must not be sent; the caller may try again.
   */
  CompletableFuture<PayloadLocation> put(String sha256Hex, byte[] payload);

  /**
   * Reads the object at {@code location}, at most {@code maxBytes + 1} bytes of it (so a caller
   * can tell an object larger than it expects without reading all of it). Fails with {@link
   * PayloadMissingException} when there is no such object; any other failure means it could not
   * be read now (a retry may succeed).
   */
  CompletableFuture<byte[]> get(PayloadLocation location, int maxBytes);
}
