package dev.evently.event;

import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** SQS messages carrying events as the publisher sends them (raw delivery): body and type attribute. */
public final class TestMessages {
  private TestMessages() {}

  public static SendMessageBatchRequestEntry entry(EventCodec codec, Event<?> event) {
    return SendMessageBatchRequestEntry.builder()
        .id(UUID.randomUUID().toString())
        .messageBody(codec.encode(event))
        .messageAttributes(
            Map.of(
                EventAttributes.TYPE,
                MessageAttributeValue.builder().dataType("String").stringValue(event.type()).build()))
        .build();
  }
}
