package dev.evently.payload;

import java.util.Optional;

/**
 * Where a payload is stored: an S3 bucket and key. As a CloudEvents {@code dataref} it is written
 * {@code s3://bucket/key}. Immutable.
 *
 * @param bucket the bucket name, not blank, without '/'
 * @param key the object key, not blank
 */
public record PayloadLocation(String bucket, String key) {
  /** The URI scheme of a {@code dataref} this toolkit writes and resolves. */
  public static final String SCHEME = "s3://";

  public PayloadLocation {
    if (bucket == null || bucket.isBlank() || bucket.indexOf('/') >= 0) {
      throw new IllegalArgumentException("bucket must not be blank nor contain '/'");
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  /** {@code s3://bucket/key}. */
  public String uri() {
    return SCHEME + bucket + "/" + key;
  }

  /** The location a {@code dataref} names, or empty when it is not {@code s3://bucket/key}. */
  public static Optional<PayloadLocation> parse(String dataref) {
    if (dataref == null || !dataref.startsWith(SCHEME)) {
      return Optional.empty();
    }
    int slash = dataref.indexOf('/', SCHEME.length());
    if (slash <= SCHEME.length() || slash == dataref.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new PayloadLocation(dataref.substring(SCHEME.length(), slash), dataref.substring(slash + 1)));
  }

  @Override
  public String toString() {
    return uri();
  }
}
