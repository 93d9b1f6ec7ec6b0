package dev.evently.notifications;

/**
 * A client error answered as {@code {"error": "...", "field": "..."}} with {@code status}. The
 * message names the field at fault and never echoes its value.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  ApiException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  int status() {
    return status;
  }

  /** The field (or path parameter) at fault; null when none. */
  String field() {
    return field;
  }
}
