package dev.evently.publish.internal;

import dev.evently.publish.EncodedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;

/** A message the publisher accepted, with its future; true once settled (exactly one caller wins). */
@SuppressWarnings("serial")
public final class Pending extends AtomicBoolean {
  final EncodedMessage message;
  final String groupId;
  final String deduplicationId;
  final CompletableFuture<String> future;

  /** {@code groupId} and {@code deduplicationId} are what goes on the wire: null on standard topics. */
  Pending(EncodedMessage message, String groupId, String deduplicationId, CompletableFuture<String> future) {
    this.message = message;
    this.groupId = groupId;
    this.deduplicationId = deduplicationId;
    this.future = future;
  }

  String describe() {
    return "event " + message.eventId() + " of type " + message.type();
  }

  /** The PublishBatch request for {@code entries}; entry ids are their indexes. */
  static PublishBatchRequest request(String topicArn, List<Pending> entries) {
    List<PublishBatchRequestEntry> requestEntries = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Pending p = entries.get(i);
      Map<String, MessageAttributeValue> attributes = new HashMap<>();
      p.message.attributes().forEach(
          (k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
      PublishBatchRequestEntry.Builder entry =
          PublishBatchRequestEntry.builder()
              .id(Settlement.entryId(i))
              .message(p.message.body())
              .messageAttributes(attributes);
      if (p.groupId != null) {
        entry.messageGroupId(p.groupId);
      }
      if (p.deduplicationId != null) {
        entry.messageDeduplicationId(p.deduplicationId);
      }
      requestEntries.add(entry.build());
    }
    return PublishBatchRequest.builder().topicArn(topicArn).publishBatchRequestEntries(requestEntries).build();
  }
}
