package dev.evently.topology.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.topology.dlq.Ages;
import dev.evently.topology.dlq.RedriveOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The console's redrive filter, read from a JSON request body into {@link RedriveOptions}. Pure:
 * no I/O. Every member is optional; an absent or empty member means "no filter":
 *
 * <ul>
 *   <li>{@code type}: an event type, 1..256 characters without control characters;
 *   <li>{@code reason}: a {@code dlq-reason} such as {@code HANDLER_REJECTED}, upper-case letters and
 *       underscores;
 *   <li>{@code since}: an instant ({@code 2026-01-31T12:00:00Z}), a UTC date ({@code 2026-01-31}) or an
 *       age ({@code 90m}, {@code 2h}, {@code 3d});
 *   <li>{@code limit}: 1..{@value #MAX_LIMIT} messages;
 *   <li>{@code rate}: 1..{@value #MAX_RATE} messages per second (default {@value #DEFAULT_RATE}).
 * </ul>
 *
 * Unknown members and wrong types are refused. Errors name the member, never its value.
 */
final class RedriveForm {
  static final int MAX_LIMIT = 100_000;
  static final int MAX_RATE = 500;
  static final int DEFAULT_RATE = 100;
  private static final int MAX_TYPE_LENGTH = 256;
  private static final Set<String> MEMBERS = Set.of("type", "reason", "since", "limit", "rate");
  private static final Pattern REASON = Pattern.compile("[A-Z][A-Z_]{0,63}");

  private RedriveForm() {}

  /** The options a request asks for; {@code clock} turns an age into an instant. */
  static RedriveOptions parse(JsonNode body, Clock clock) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(null, "the request body must be a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MEMBERS.contains(name)) {
        throw ApiException.badRequest(null, "unknown member; allowed: type, reason, since, limit, rate");
      }
    }
    RedriveOptions.Builder b = RedriveOptions.builder().ratePerSecond(DEFAULT_RATE);
    text(body, "type").ifPresentOrElse(type -> {
      if (type.length() > MAX_TYPE_LENGTH || type.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("type", "must be at most " + MAX_TYPE_LENGTH + " characters without control characters");
      }
      b.type(type);
    }, () -> {});
    text(body, "reason").ifPresent(reason -> {
      if (!REASON.matcher(reason).matches()) {
        throw ApiException.badRequest("reason", "must be a dlq-reason such as HANDLER_REJECTED or MAX_RECEIVES_EXCEEDED");
      }
      b.reason(reason);
    });
    text(body, "since").ifPresent(since -> b.since(since(since, clock)));
    integer(body, "limit", 1, MAX_LIMIT).ifPresent(b::limit);
    integer(body, "rate", 1, MAX_RATE).ifPresent(b::ratePerSecond);
    return b.build();
  }

  private static Instant since(String value, Clock clock) {
    java.util.Optional<Duration> age = Ages.parse(value);
    if (age.isPresent()) {
      return clock.instant().minus(age.get());
    }
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("since", "must be an instant (2026-01-31T12:00:00Z), a date (2026-01-31) or an age (90m, 2h, 3d)");
    }
  }

  private static java.util.Optional<String> text(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return java.util.Optional.empty();
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(name, "must be a string");
    }
    String s = v.asText().strip();
    return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
  }

  private static java.util.Optional<Integer> integer(JsonNode body, String name, int min, int max) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      return java.util.Optional.empty();
    }
    long n;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      n = v.asLong();
    } else if (v.isTextual() && v.asText().strip().matches("\\d{1,9}")) {
      n = Long.parseLong(v.asText().strip());
    } else {
      throw ApiException.badRequest(name, "must be a whole number between " + min + " and " + max);
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(name, "must be between " + min + " and " + max);
    }
    return java.util.Optional.of((int) n);
  }
}
