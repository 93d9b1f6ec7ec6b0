package dev.evently.payload;

/**
 * A large event's pointer could not be resolved: see {@link #failure()}. The message starts with
 * the {@code dlq-reason} and names the field at fault ({@code dataref}, {@code payloadsize}, {@code
 * payloadsha256}, {@code ExtendedPayloadSize}), never a value from the message or the object; it
 * is safe to log and to copy into dead-letter attributes.
 */
public final class PayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final PayloadFailure failure;

  public PayloadException(PayloadFailure failure, String message, Throwable cause) {
    super(failure.dlqReason() + ": " + message, cause);
    this.failure = failure;
  }

  public PayloadFailure failure() {
    return failure;
  }
}
