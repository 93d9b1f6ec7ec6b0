package dev.evently.topology.console;

/**
 * A request the console refuses, answered as {@code {"error": ..., "field": ...}} with an HTTP
 * status. The message and the field name what is wrong, never a value from the request: error
 * responses and logs must not echo input (it may be a message body or an attacker's markup).
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  ApiException(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static ApiException badRequest(String field, String message) {
    return new ApiException(400, field, message);
  }

  static ApiException forbidden(String field, String message) {
    return new ApiException(403, field, message);
  }

  static ApiException notFound(String field, String message) {
    return new ApiException(404, field, message);
  }

  int status() {
    return status;
  }

  /** The request field (JSON member, header or path segment) at fault; null when none applies. */
  String field() {
    return field;
  }
}
