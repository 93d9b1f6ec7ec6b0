package dev.evently.service;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@value #HEADER} request header (IETF draft-ietf-httpapi-idempotency-key-header) as the
 * services read it: optional; 1 to {@value #MAX_LENGTH} visible ASCII characters (0x21-0x7E) other
 * than {@code "} and {@code \}, sent bare or as the draft's structured-field string in double
 * quotes (the quotes are not part of the key, so {@code "k"} and {@code k} are one key).
 *
 * <p>Only parsing and the error responses live here; recording a key with what it created, in the
 * creating transaction, is each service's own (see {@link Transactions#isUniqueViolation} for
 * telling a racing duplicate apart).
 */
public final class IdempotencyKey {
  /** The header's name. */
  public static final String HEADER = "Idempotency-Key";
  /** The longest key accepted, in characters. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern VALID = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1," + MAX_LENGTH + "}");

  private IdempotencyKey() {}

  /**
   * The request's key without surrounding quotes, or null when the header is absent.
   *
   * @throws ApiException 400 with field {@value #HEADER} when the header is sent more than once or
   *     its value is not a valid key
   */
  public static String of(HttpApi.Request request) {
    List<String> values = request.headers(HEADER);
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
