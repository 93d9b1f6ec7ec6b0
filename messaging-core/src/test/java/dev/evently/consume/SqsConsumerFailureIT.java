package dev.evently.consume;

import dev.evently.retry.Backoff;
import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.string;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.consume.ConsumerITSupport.Unhandled;
import dev.evently.event.DecodeFailure;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventDecodingException;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TcpProxy;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Retries with backoff, redrive after maxReceiveCount, and poison messages straight to the DLQ. */
@LocalAws
class SqsConsumerFailureIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SqsClient sqs;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerFailureIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.sqs = sqs;
  }

  private double count(String meter) {
    var c = registry.find("evently.consumer." + meter).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void handlerThatFailsTwiceThenSucceedsIsRetriedAfterGrowingBackoffsAndDeletedOnce(TestNames names) {
    String queue = names.queue("retry");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>(FailingHandler.failTimes(2));
    Event<OrderCreated> event = order("o-1");
    support.send(q.url(), event);

    try (SqsConsumer consumer =
        support
            .consumer(queue, handler, registry)
            .backoff(new Backoff(Duration.ofSeconds(1), 3.0, Duration.ofSeconds(10), 0))
            .build()
            .start()) {
      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }

    List<RecordingHandler.Call> calls = handler.callsFor(event.id());
    assertThat(calls).hasSize(3);
    long gap1 = Duration.ofNanos(calls.get(1).nanos() - calls.get(0).nanos()).toMillis();
    long gap2 = Duration.ofNanos(calls.get(2).nanos() - calls.get(1).nanos()).toMillis();
    // backoff 1 s then 3 s (moto notices a message turning visible within ~1 s); the 20 s
    // visibility timeout would give far longer gaps
    assertThat(gap1).isBetween(900L, 2_900L);
    assertThat(gap2).isBetween(2_900L, 4_900L);
    assertThat(gap2).isGreaterThan(gap1 + 700);
    assertThat(handler.succeededIds()).containsExactly(event.id());
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
    assertThat(count("received")).isEqualTo(3);
    assertThat(count("retried")).isEqualTo(2);
    assertThat(count("failed")).isEqualTo(2);
    assertThat(count("succeeded")).isEqualTo(1);
    assertThat(registry.find("evently.consumer.message.age").timer().count()).isEqualTo(3);
  }

  @Test
  void messageThatAlwaysFailsEndsInTheDlqAfterMaxReceiveCountWhileOthersFlow(TestNames names) {
    String queue = names.queue("always");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(20));
    Event<OrderCreated> bad = order("bad");
    RecordingHandler<OrderCreated> handler =
        new RecordingHandler<>(FailingHandler.alwaysFor(e -> e.id().equals(bad.id())));
    support.send(q.url(), bad);
    List<String> good = support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("good-" + i)).toList());

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      List<Message> dead = aws.receiveAll(q.dlqUrl(), DEADLINE, 1);

      assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).contains(bad.id()));
    }
    assertThat(handler.callsFor(bad.id())).hasSize(3);
    assertThat(handler.succeededIds()).containsExactlyInAnyOrderElementsOf(good);
    long lastBadAttempt = handler.callsFor(bad.id()).get(2).nanos();
    assertThat(good).allSatisfy(id -> assertThat(handler.succeededAtNanos(id)).isLessThan(lastBadAttempt));
    assertThat(support.messagesIn(q.url())).isZero();
  }

  @Test
  void poisonMessagesGoToTheDlqAfterTheirFirstAttemptWithTheReason(TestNames names) {
    String queue = names.queue("poison");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    RecordingHandler<OrderCreated> handler =
        new RecordingHandler<>(
            e -> {
              if (e.data().orderId().equals("rejected")) {
                throw new NonRetryableException("order rejected is cancelled");
              }
            });
    String mystery =
        "{\"specversion\":\"1.0\",\"id\":\"u-1\",\"source\":\"x\",\"type\":\"Mystery\","
            + "\"time\":\"2025-01-01T00:00:00Z\",\"data\":{}}";
    String invalid =
        "{\"specversion\":\"1.0\",\"id\":\"i-1\",\"source\":\"x\",\"type\":\"OrderCreated\","
            + "\"time\":\"2025-01-01T00:00:00Z\",\"data\":{\"orderId\":\"o-9\"}}";
    Event<Unhandled> unhandled = Event.of("Unhandled", "order-service", new Unhandled("nobody listens"));
    Event<OrderCreated> rejected = order("rejected");
    Event<OrderCreated> fine = order("fine");
    support.sendRaw(q.url(), "this is not json", Map.of("origin", string("legacy")));
    support.sendRaw(q.url(), mystery, Map.of());
    support.send(q.url(), unhandled);
    support.sendRaw(q.url(), invalid, Map.of());
    support.send(q.url(), rejected);
    support.send(q.url(), fine);

    List<Message> dead;
    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      dead = aws.receiveAll(q.dlqUrl(), DEADLINE, 5);
      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }

    Map<String, Message> byBody = dead.stream().collect(Collectors.toMap(Message::body, Function.identity()));
    assertThat(byBody).hasSize(5);
    assertDeadLettered(byBody.get("this is not json"), q.url(), "NOT_JSON", "EventDecodingException")
        .containsEntry("origin", string("legacy"));
    assertDeadLettered(byBody.get(mystery), q.url(), "UNKNOWN_TYPE", "EventDecodingException");
    assertDeadLettered(byBody.get(ConsumerITSupport.CODEC.encode(unhandled)), q.url(), "UNKNOWN_TYPE", "EventDecodingException")
        .containsEntry(EventAttributes.TYPE, string("Unhandled"))
        .hasEntrySatisfying(
            EventAttributes.DLQ_ERROR_MESSAGE, v -> assertThat(v.stringValue()).contains("no handler for type 'Unhandled'"));
    assertDeadLettered(byBody.get(invalid), q.url(), "INVALID_DATA", "EventDecodingException");
    assertDeadLettered(
            byBody.get(ConsumerITSupport.CODEC.encode(rejected)), q.url(), SqsConsumer.HANDLER_REJECTED, "NonRetryableException")
        .containsEntry(EventAttributes.DLQ_ERROR_MESSAGE, string("order rejected is cancelled"))
        .containsEntry(EventAttributes.TYPE, string("OrderCreated"));
    assertThat(handler.callsFor(rejected.id())).hasSize(1);
    assertThat(handler.succeededIds()).containsExactly(fine.id());
    assertThat(count("received")).isEqualTo(6);
    assertThat(registry.find("evently.consumer.dead.lettered").tag("reason", "UNKNOWN_TYPE").counter().count())
        .isEqualTo(2);
  }

  @Test
  void decodingErrorThrownByTheHandlerItselfIsRetriedLikeAnyOtherFailure(TestNames names) {
    String queue = names.queue("nested");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    AtomicInteger attempts = new AtomicInteger();
    RecordingHandler<OrderCreated> handler =
        new RecordingHandler<>(
            e -> {
              if (attempts.incrementAndGet() == 1) {
                // e.g. the handler decodes an embedded payload with a codec of its own
                throw new EventDecodingException(DecodeFailure.NOT_JSON, "embedded payload", null, null, null);
              }
            });
    Event<OrderCreated> event = order("nested");
    support.send(q.url(), event);

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handler.callsFor(event.id())).hasSize(2);
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
    assertThat(count("failed")).isEqualTo(1);
  }

  @Test
  void aDeleteEntrySqsRefusesIsCountedAsAnAcknowledgementFailure(TestNames names) {
    String queue = names.queue("refused");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    // the message vanishes while its handler runs, so SQS refuses its delete entry (HTTP 200)
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>(e -> sqs.purgeQueue(b -> b.queueUrl(q.url())));
    support.send(q.url(), order("purged"));

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      await().atMost(DEADLINE).until(() -> count("acknowledgement.failed") == 1);
    }
    assertThat(handler.succeeded()).hasSize(1);
  }

  @Test
  void aFailedDeleteCallIsCountedAndTheMessageIsRedelivered(TestNames names, AwsBackend backend) {
    String queue = names.queue("undeleted");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(2));
    Event<OrderCreated> event = order("undeleted");
    support.send(q.url(), event);
    try (TcpProxy proxy = TcpProxy.start(backend.endpoint());
        SqsAsyncClient viaProxy = ConsumerITSupport.sqsThrough(backend, proxy)) {
      AtomicInteger attempts = new AtomicInteger();
      // the first attempt succeeds, but SQS becomes unreachable before its delete is sent
      RecordingHandler<OrderCreated> handler =
          new RecordingHandler<>(
              e -> {
                if (attempts.incrementAndGet() == 1) {
                  proxy.cut();
                }
              });
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .client(viaProxy)
              .queueName(queue)
              .codec(ConsumerITSupport.CODEC)
              .handle(OrderCreated.class, handler)
              .waitTime(Duration.ofSeconds(1))
              .meterRegistry(registry)
              .build()
              .start()) {
        await().atMost(DEADLINE).until(() -> count("acknowledgement.failed") == 1);
        proxy.restore();
        await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 2);
        await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
      }
      assertThat(handler.succeededIds()).containsExactly(event.id(), event.id());
    }
  }

  private static org.assertj.core.api.MapAssert<String, MessageAttributeValue> assertDeadLettered(
      Message m, String sourceUrl, String reason, String errorClass) {
    assertThat(m).as("dead-lettered message for " + reason).isNotNull();
    Map<String, MessageAttributeValue> a = m.messageAttributes();
    assertThat(a.get(EventAttributes.DLQ_REASON).stringValue()).isEqualTo(reason);
    assertThat(a.get(EventAttributes.DLQ_ERROR_CLASS).stringValue()).endsWith("." + errorClass);
    assertThat(a.get(EventAttributes.DLQ_ERROR_MESSAGE).stringValue()).isNotBlank();
    assertThat(a.get(EventAttributes.DLQ_SOURCE_QUEUE).stringValue()).isEqualTo(sourceUrl);
    assertThat(a.get(EventAttributes.DLQ_ATTEMPTS).stringValue()).isEqualTo("1");
    assertThat(Instant.parse(a.get(EventAttributes.DLQ_FAILED_AT).stringValue()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now());
    return assertThat(a);
  }
}
