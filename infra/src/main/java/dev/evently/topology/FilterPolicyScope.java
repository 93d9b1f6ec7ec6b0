package dev.evently.topology;

/** What an SNS filter policy is matched against. */
public enum FilterPolicyScope {
  /** The message attributes (here: {@code event-type}); the default. */
  MessageAttributes,
  /** The JSON message body. */
  MessageBody
}
