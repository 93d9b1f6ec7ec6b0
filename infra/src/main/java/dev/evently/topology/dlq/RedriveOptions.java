package dev.evently.topology.dlq;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which dead letters to move, how many and how fast. Immutable; build with {@link #builder()}.
 *
 * @param type only messages of this event type
 * @param reason only messages with this {@code dlq-reason} ({@link DeadLetter#MAX_RECEIVES_EXCEEDED}
 *     selects those moved by the redrive policy)
 * @param since only messages that failed at or after this instant
 * @param limit move at most this many
 * @param ratePerSecond move at most this many per second
 */
public record RedriveOptions(
    Optional<String> type, Optional<String> reason, Optional<Instant> since, int limit, double ratePerSecond) {

  public static final double DEFAULT_RATE = 50;

  public RedriveOptions {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, was " + limit);
    }
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
    }
  }

  /** All messages, at {@value #DEFAULT_RATE} per second. */
  public static RedriveOptions all() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  boolean matches(DeadLetter d) {
    return type.map(t -> d.eventType().map(t::equals).orElse(false)).orElse(true)
        && reason.map(r -> r.equalsIgnoreCase(d.reason())).orElse(true)
        && since.map(s -> d.failedAt().map(f -> !f.isBefore(s)).orElse(false)).orElse(true);
  }

  public static final class Builder {
    private String type;
    private String reason;
    private Instant since;
    private int limit = Integer.MAX_VALUE;
    private double rate = DEFAULT_RATE;

    private Builder() {}

    public Builder type(String type) {
      this.type = requireText(type, "type");
      return this;
    }

    public Builder reason(String reason) {
      this.reason = requireText(reason, "reason");
      return this;
    }

    public Builder since(Instant since) {
      this.since = Objects.requireNonNull(since, "since");
      return this;
    }

    public Builder limit(int limit) {
      if (limit <= 0) {
        throw new IllegalArgumentException("limit must be > 0, was " + limit);
      }
      this.limit = limit;
      return this;
    }

    public Builder ratePerSecond(double rate) {
      if (!(rate > 0)) {
        throw new IllegalArgumentException("ratePerSecond must be > 0, was " + rate);
      }
      this.rate = rate;
      return this;
    }

    public RedriveOptions build() {
      return new RedriveOptions(Optional.ofNullable(type), Optional.ofNullable(reason), Optional.ofNullable(since),
          limit, rate);
    }

    private static String requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
