package dev.evently.consume;

import dev.evently.retry.Backoff;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.event.TestMessages;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Event types, codec and queue helpers shared by the consumer ITs. */
final class ConsumerITSupport {
  record OrderCreated(String orderId, BigDecimal total) {}

  /** Registered in the codec, but no consumer in these tests handles it. */
  record Unhandled(String note) {}

  static final EventCodec CODEC =
      EventCodec.of(EventTypes.builder().register(OrderCreated.class).register(Unhandled.class).build());

  static final Duration DEADLINE = Duration.ofSeconds(20);

  private final SqsClient sqs;
  private final SqsAsyncClient sqsAsync;
  private final AwsFixtures aws;

  ConsumerITSupport(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.sqs = sqs;
    this.sqsAsync = sqsAsync;
    this.aws = aws;
  }

  static Event<OrderCreated> order(String orderId) {
    return Event.of("OrderCreated", "order-service", new OrderCreated(orderId, new BigDecimal("12.50")))
        .withCorrelationId("corr-" + orderId);
  }

  /** An SQS client that reaches the backend through {@code proxy}, without SDK retries. */
  static SqsAsyncClient sqsThrough(AwsBackend backend, TcpProxy proxy) {
    return backend
        .configure(SqsAsyncClient.builder())
        .endpointOverride(proxy.endpoint())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  static Map<QueueAttributeName, String> visibility(int seconds) {
    return Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(seconds));
  }

  /** A consumer of {@code queueName} for OrderCreated with test-friendly timings. */
  SqsConsumer.Builder consumer(String queueName, EventHandler<OrderCreated> handler, MeterRegistry registry) {
    return SqsConsumer.builder()
        .client(sqsAsync)
        .queueName(queueName)
        .codec(CODEC)
        .handle(OrderCreated.class, handler)
        .waitTime(Duration.ofSeconds(1))
        .backoff(Backoff.fixed(Duration.ofSeconds(1)))
        .shutdownTimeout(Duration.ofSeconds(10))
        .meterRegistry(registry);
  }

  String send(String queueUrl, Event<?> event) {
    return sendRaw(queueUrl, CODEC.encode(event), Map.of(EventAttributes.TYPE, string(event.type())));
  }

  String sendRaw(String queueUrl, String body, Map<String, MessageAttributeValue> attributes) {
    return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes)).messageId();
  }

  /** Sends the events in batches of 10 and returns their event ids. */
  List<String> sendAll(String queueUrl, List<? extends Event<?>> events) {
    aws.sendBatches(queueUrl, events.stream().map(e -> TestMessages.entry(CODEC, e)).toList());
    return events.stream().map(Event::id).toList();
  }

  /** Visible + in flight + delayed: every message still in the queue. */
  int messagesIn(String queueUrl) {
    return aws.messagesIn(queueUrl);
  }

  int notVisible(String queueUrl) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  AwsFixtures aws() {
    return aws;
  }

  static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
