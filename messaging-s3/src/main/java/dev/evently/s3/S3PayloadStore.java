package dev.evently.s3;

import dev.evently.payload.PayloadLocation;
import dev.evently.payload.PayloadMissingException;
import dev.evently.payload.PayloadStore;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link PayloadStore} on S3: large events' bodies are stored as objects {@code
 * <keyPrefix><sha256>} in one bucket (content-addressed: storing the same body twice writes the
 * same object), and read back with {@code GetObject} from that bucket and any other allowed with
 * {@link Builder#readBucket(String)}.
 *
 * <p><b>Never deletes.</b> With SNS fan-out one object serves every queue subscribed to the topic,
 * and a message redriven from a DLQ days later still needs it: objects expire by the bucket's
 * lifecycle rule ({@code infra}'s {@code payloads:} declares it), which must outlive the longest
 * retention of those queues and their DLQs. Encryption at rest is the bucket's default encryption
 * (also declared there). Needs {@code s3:PutObject} to publish and {@code s3:GetObject} to consume.
 *
 * <p>Immutable and thread-safe; the client is the caller's and is never closed here. Failures are
 * the SDK's exceptions, except a missing object, which is a {@link PayloadMissingException}; none
 * quotes a key or a body.
 */
public final class S3PayloadStore implements PayloadStore {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

  private final S3AsyncClient client;
  private final String bucket;
  private final String keyPrefix;
  private final Set<String> buckets;

  private S3PayloadStore(Builder b) {
    this.client = b.client;
    this.bucket = b.bucket;
    this.keyPrefix = b.keyPrefix;
    Set<String> all = new LinkedHashSet<>();
    all.add(b.bucket);
    all.addAll(b.readBuckets);
    this.buckets = Set.copyOf(all);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bucket objects are written to. */
  public String bucket() {
    return bucket;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public Set<String> buckets() {
    return buckets;
  }

  @Override
  public CompletableFuture<PayloadLocation> put(String sha256Hex, byte[] payload) {
    PayloadLocation location = new PayloadLocation(bucket, keyPrefix + sha256Hex);
    PutObjectRequest request =
        PutObjectRequest.builder().bucket(bucket).key(location.key()).contentType(CONTENT_TYPE)
            .contentLength((long) payload.length).build();
    return client.putObject(request, AsyncRequestBody.fromBytes(payload)).thenApply(r -> location);
  }

  /** Reads at most {@code maxBytes + 1} bytes (a ranged GetObject), so an oversized object is told without reading it all. */
  @Override
  public CompletableFuture<byte[]> get(PayloadLocation location, int maxBytes) {
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(location.bucket()).key(location.key()).range("bytes=0-" + maxBytes).build();
    return client
        .getObject(request, AsyncResponseTransformer.toBytes())
        .handle((bytes, error) -> {
          if (error == null) {
            return bytes.asByteArray();
          }
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof NoSuchKeyException || (cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
            throw new PayloadMissingException("the object does not exist (expired, deleted or never stored)", cause);
          }
          throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
  }

  @Override
  public String toString() {
    return "S3PayloadStore[" + bucket + (keyPrefix.isEmpty() ? "" : ", prefix " + keyPrefix) + "]";
  }

  /** Builder; {@link #client} and {@link #bucket} are required. Setters validate at once and name the field. */
  public static final class Builder {
    private S3AsyncClient client;
    private String bucket;
    private String keyPrefix = "";
    private final Set<String> readBuckets = new LinkedHashSet<>();

    private Builder() {}

    /**
     * The S3 client, the caller's (never closed here). Against moto or LocalStack, build it with
     * {@code forcePathStyle(true)}.
     */
    public Builder client(S3AsyncClient client) {
      if (client == null) {
        throw new IllegalArgumentException("client must not be null");
      }
      this.client = client;
      return this;
    }

    /** The bucket payloads are written to and read from (S3 naming: 3-63 of a-z, 0-9, '.', '-'). */
    public Builder bucket(String bucket) {
      this.bucket = requireBucket(bucket, "bucket");
      return this;
    }

    /**
     * A prefix for object keys, e.g. {@code order-events/} (default none): lets one bucket serve
     * several topics, each with its own lifecycle rule filter. At most 256 characters, no leading '/'.
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.length() > 256 || keyPrefix.startsWith("/")) {
        throw new IllegalArgumentException("keyPrefix must be at most 256 characters and not start with '/'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Another bucket a consumer may read pointers into, e.g. one the AWS extended clients write
     * to; repeatable. Pointers into any bucket not given here nor as {@link #bucket} are
     * dead-lettered without a call.
     */
    public Builder readBucket(String bucket) {
      readBuckets.add(requireBucket(bucket, "readBucket"));
      return this;
    }

    public S3PayloadStore build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (bucket == null) {
        throw new IllegalArgumentException("bucket must be set");
      }
      return new S3PayloadStore(this);
    }

    private static String requireBucket(String name, String field) {
      if (name == null || !BUCKET.matcher(name).matches() || name.contains("..")) {
        throw new IllegalArgumentException(field + " must be an S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-'");
      }
      return name;
    }
  }
}
