package dev.evently.service;

/**
 * A request that cannot be served, rendered as {@code {"error": message, "field": field}} with
 * {@link #status()}. The message is shown to the client: never put internals in it.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  public ApiException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** 400: the request is malformed or breaks a rule; {@code field} names the culprit (or null). */
  public static ApiException badRequest(String message, String field) {
    return new ApiException(400, message, field);
  }

  /** 404: the resource does not exist. */
  public static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  /** 409: the resource's state does not allow the request. */
  public static ApiException conflict(String message) {
    return new ApiException(409, message, null);
  }

  public int status() {
    return status;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }
}
