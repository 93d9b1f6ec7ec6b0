package dev.evently.service;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.Connection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The {@value #HEADER} request header (IETF draft-ietf-httpapi-idempotency-key-header) as the
 * services read it: optional; 1 to {@value #MAX_LENGTH} visible ASCII characters (0x21-0x7E) other
 * than {@code "} and {@code \}, sent bare or as the draft's structured-field string in double
 * quotes (the quotes are not part of the key, so {@code "k"} and {@code k} are one key).
 *
 * <p>{@link #createOnce} runs a keyed creation; the table that maps a key (primary key) to what
 * it created is each service's own.
 */
public final class IdempotencyKey {
  /** The header's name. */
  public static final String HEADER = "Idempotency-Key";
  /** The longest key accepted, in characters. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern VALID = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1," + MAX_LENGTH + "}");

  private IdempotencyKey() {}

  /**
   * What {@link #createOnce} did: {@link #CREATED} something new; {@link #REPLAYED} found what an
   * earlier request with the same key and the same content created; {@link #KEY_REUSED} found the
   * key used for a request with other content.
   */
  public enum Outcome {
    CREATED,
    REPLAYED,
    KEY_REUSED
  }

  /** What {@link #createOnce} did, and what it created or found (the key's own for KEY_REUSED). */
  public record Result<T>(Outcome outcome, T value) {}

  /** Finds, inside {@code tx}, what {@code key} created. */
  @FunctionalInterface
  public interface Lookup<T> {
    Optional<T> find(Connection tx, String key) throws Exception;
  }

  /**
   * Creates something at most once per {@code key}. In one transaction: with a key already
   * recorded ({@code findByKey} finds it) nothing is created and the result is what it created,
   * REPLAYED if {@code sameRequest} accepts it, else KEY_REUSED; otherwise {@code create} runs and
   * must record the key (a primary key) in that transaction, so a key exists if and only if what
   * it created does. When two requests with one key race, the loser's insert of the key collides
   * (on PostgreSQL it waits for the winner's commit), its transaction rolls back, and it answers as
   * a later request would. With a null {@code key}, {@code create} just runs (and records nothing).
   * Other failures propagate as from {@link Transactions#inTransaction}, having recorded nothing.
   */
  public static <T> Result<T> createOnce(
      DataSource dataSource, String key, Lookup<T> findByKey, Predicate<T> sameRequest, Transactions.Work<T> create) {
    try {
      return Transactions.inTransaction(dataSource, tx -> {
        Optional<T> earlier = key == null ? Optional.empty() : findByKey.find(tx, key);
        return earlier.isPresent()
            ? earlier(earlier.get(), sameRequest)
            : new Result<>(Outcome.CREATED, create.apply(tx));
      });
    } catch (RuntimeException e) {
      if (key == null || !Transactions.isUniqueViolation(e)) {
        throw e;
      }
      // A concurrent request with the same key committed first; answer as if this one came later.
      T earlier = Transactions.inTransaction(dataSource, tx -> findByKey.find(tx, key)).orElseThrow(() -> e);
      return earlier(earlier, sameRequest);
    }
  }

  private static <T> Result<T> earlier(T earlier, Predicate<T> sameRequest) {
    return new Result<>(sameRequest.test(earlier) ? Outcome.REPLAYED : Outcome.KEY_REUSED, earlier);
  }

  /**
   * The request's key without surrounding quotes, or null when the header is absent.
   *
   * @throws ApiException 400 with field {@value #HEADER} when the header is sent more than once or
   *     its value is not a valid key
   */
  public static String of(HttpServletRequest request) {
    return of(Collections.list(request.getHeaders(HEADER)));
  }

  /**
   * The key in {@code values} (every value of the header, in the order received) without
   * surrounding quotes, or null when there is none; see {@link #of(HttpServletRequest)}.
   */
  public static String of(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(HEADER + " must be sent once", HEADER);
    }
    String key = values.get(0).strip();
    if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
      key = key.substring(1, key.length() - 1);
    }
    if (!VALID.matcher(key).matches()) {
      throw ApiException.badRequest(
          HEADER + " must be 1 to " + MAX_LENGTH + " visible ASCII characters other than '\"' and '\\'", HEADER);
    }
    return key;
  }

  /**
   * 422 with field {@value #HEADER}: the key was already used for a request that differs in
   * {@code fields} (for example {@code "customerId or orderTotal"}), which it keeps answering for.
   */
  public static ApiException reused(String what, String fields) {
    return new ApiException(422, HEADER + " was already used for " + what + " with another " + fields, HEADER);
  }
}
