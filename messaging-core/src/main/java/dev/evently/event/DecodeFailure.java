package dev.evently.event;

/**
 * Why a message body could not be turned into a typed {@link Event}. Each is permanent: the same
 * bytes will fail the same way on every redelivery, so consumers dead-letter such messages at
 * once instead of retrying them.
 */
public enum DecodeFailure {
  /** The body is larger than the codec's limit; it was not parsed. */
  TOO_LARGE,
  /** The body (or the SNS notification's {@code Message}) is not JSON. */
  NOT_JSON,
  /** JSON, but not a CloudEvents 1.0 structured event (spec version, id, source, type, time). */
  NOT_CLOUDEVENT,
  /** A CloudEvent whose {@code type} is not registered. */
  UNKNOWN_TYPE,
  /** A known type whose {@code data} does not fit its record (missing field, wrong type, invalid). */
  INVALID_DATA
}
