package dev.evently.event;

/**
 * Why a message body could not be turned into a typed {@link Event}. Each is permanent: the same
 * bytes will fail the same way on every redelivery, so consumers dead-letter such messages at
 * once instead of retrying them.
 */
public enum DecodeFailure {
  /** The body is larger than the codec's limit; it was not parsed. */
  TOO_LARGE,
  /** The body (or the SNS notification's {@code Message}) is not JSON, or has text after it. */
  NOT_JSON,
  /**
   * JSON, but not a CloudEvents 1.0 event: no {@code specversion} "1.0" (in the body or as a
   * {@code ce_specversion} attribute), a required attribute ({@code id}, {@code source}, {@code
   * type}) missing, or an attribute breaking the naming or type rules (e.g. {@code time} not RFC
   * 3339).
   */
  NOT_CLOUDEVENT,
  /** A CloudEvent whose {@code type} is not registered. */
  UNKNOWN_TYPE,
  /**
   * A known type whose data cannot be bound: missing, not JSON ({@code datacontenttype}, {@code
   * data_base64}), or not fitting its record (missing field, wrong type, rejected by the record).
   */
  INVALID_DATA
}
