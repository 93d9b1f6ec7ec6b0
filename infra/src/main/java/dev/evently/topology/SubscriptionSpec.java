package dev.evently.topology;

import java.util.Objects;
import java.util.Optional;

/**
 * A queue's subscription to a topic.
 *
 * @param topic logical name of the topic
 * @param rawDelivery deliver the message body as is instead of wrapped in an SNS notification envelope
 * @param filterPolicy optional filter policy as compact JSON
 * @param filterPolicyScope what the filter policy matches against
 */
public record SubscriptionSpec(
    String topic, boolean rawDelivery, Optional<String> filterPolicy, FilterPolicyScope filterPolicyScope) {
  public SubscriptionSpec {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(filterPolicy, "filterPolicy");
    Objects.requireNonNull(filterPolicyScope, "filterPolicyScope");
  }
}
