package dev.evently.consume;

import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Bounded concurrency, competing consumers, SNS-wrapped messages. */
@LocalAws
class SqsConsumerConcurrencyIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerConcurrencyIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
  }

  @Test
  void neverRunsMoreThanMaxInFlightHandlersAtOnce(TestNames names) {
    String queue = names.queue("bounded");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 15).mapToObj(i -> order("b-" + i)).toList());
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    ExecutorService manyThreads = Executors.newCachedThreadPool();
    try (SqsConsumer consumer =
        support
            .consumer(queue, blocking, registry)
            .maxInFlight(4)
            .receiveConcurrency(2)
            .executor(manyThreads)
            .build()
            .start()) {
      await().atMost(DEADLINE).until(() -> blocking.started() == 4);
      // saturated: no fifth handler starts and no fifth message is even received
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> blocking.started() == 4 && received() == 4);
      blocking.release();
      await().atMost(DEADLINE).until(() -> blocking.finished().size() == 15);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    } finally {
      manyThreads.shutdownNow();
    }
    assertThat(blocking.maxRunning()).isEqualTo(4);
    assertThat(blocking.finished()).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void twoCompetingConsumersHandleEveryMessageOfABatchOf200(TestNames names) {
    String queue = names.queue("competing");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 200).mapToObj(i -> order("c-" + i)).toList());
    Map<String, String> handledBy = new ConcurrentHashMap<>();
    EventHandler<OrderCreated> a = e -> handledBy.putIfAbsent(e.id(), "a");
    EventHandler<OrderCreated> b = e -> handledBy.putIfAbsent(e.id(), "b");

    try (SqsConsumer first = support.consumer(queue, a, registry).name("first").build().start();
        SqsConsumer second = support.consumer(queue, b, new SimpleMeterRegistry()).name("second").build().start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> handledBy.size() == 200);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handledBy.keySet()).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(handledBy.values()).contains("a", "b");
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
  }

  @Test
  void decodesMessagesWrappedInTheSnsEnvelope(TestNames names, SnsClient sns) {
    String queue = names.queue("wrapped");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    String topic = aws.createTopic(names.topic("orders"));
    aws.subscribe(topic, q.url(), false, null);
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>();
    Event<OrderCreated> event = order("w-1");

    sns.publish(
        p ->
            p.topicArn(topic)
                .message(ConsumerITSupport.CODEC.encode(event))
                .messageAttributes(
                    Map.of(
                        EventAttributes.TYPE,
                        MessageAttributeValue.builder().dataType("String").stringValue(event.type()).build())));

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handler.succeeded()).containsExactly(event);
  }

  @Test
  void fifoGroupIsHandledInOrderAcrossARetryAndPoisonGoesToTheFifoDlq(TestNames names, SqsClient sqs) {
    String queue = names.fifoQueue("ordered");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    List<Event<OrderCreated>> events = IntStream.range(0, 5).mapToObj(i -> order("f-" + i)).toList();
    String first = events.get(0).id();
    FailingHandler<OrderCreated> failFirstOnce = FailingHandler.failTimesFor(1, e -> e.id().equals(first));
    RecordingHandler<OrderCreated> recording = new RecordingHandler<>(failFirstOnce);
    for (Event<OrderCreated> e : events) {
      sqs.sendMessage(
          b -> b.queueUrl(q.url()).messageBody(ConsumerITSupport.CODEC.encode(e)).messageGroupId("g1").messageDeduplicationId(e.id()));
    }
    sqs.sendMessage(b -> b.queueUrl(q.url()).messageBody("not json").messageGroupId("g2").messageDeduplicationId("poison-1"));

    try (SqsConsumer consumer = support.consumer(queue, recording, registry).build().start()) {
      await().atMost(DEADLINE).until(() -> recording.succeeded().size() == 5);
      assertThat(aws.receiveAll(q.dlqUrl(), DEADLINE, 1)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("not json"));
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(recording.succeededIds()).containsExactlyElementsOf(events.stream().map(Event::id).toList());
    assertThat(recording.callsFor(first)).hasSize(2);
    // the same counts by the OpenTelemetry messaging conventions
    assertThat(registry.find("messaging.client.consumed.messages").tag("messaging.destination.name", queue).counter().count())
        .isEqualTo(received());
    assertThat(registry.find("messaging.process.duration").tag("messaging.system", "aws_sqs").timers())
        .extracting(t -> t.getId().getTag("error.type"), t -> t.count())
        .containsExactlyInAnyOrder(tuple("none", 5L), tuple("failure", 1L));
  }

  @Test
  void fifoGroupWaitsBehindAPoisonMessageRetriedForLackOfADlq(TestNames names, SqsClient sqs) {
    String queue = names.fifoQueue("nodlq");
    String url = aws.createQueue(queue, visibility(20));
    RecordingHandler<OrderCreated> recording = new RecordingHandler<>();
    Event<OrderCreated> behind = order("behind");
    sqs.sendMessage(b -> b.queueUrl(url).messageBody("not json").messageGroupId("g1").messageDeduplicationId("poison-1"));
    sqs.sendMessage(
        b -> b.queueUrl(url).messageBody(ConsumerITSupport.CODEC.encode(behind)).messageGroupId("g1").messageDeduplicationId(behind.id()));

    try (SqsConsumer consumer =
        support.consumer(queue, recording, registry).allowMissingDeadLetterQueue(true).build().start()) {
      // the poison message is retried (no DLQ): received a second time after its 1 s backoff
      await().atMost(DEADLINE).until(() -> retried() >= 1);
    }
    // like a failure, it blocks the rest of its group: the event behind it was never handled
    assertThat(recording.calls()).isEmpty();
    assertThat(support.messagesIn(url)).isEqualTo(2);
  }

  @Test
  void fifoGroupWaitsBehindAPoisonMessageWhoseDeadLetteringFailed(TestNames names, SqsClient sqs) {
    String queue = names.fifoQueue("dlqgone");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    RecordingHandler<OrderCreated> recording = new RecordingHandler<>();
    Event<OrderCreated> behind = order("behind");

    try (SqsConsumer consumer = support.consumer(queue, recording, registry).build().start()) {
      sqs.deleteQueue(b -> b.queueUrl(q.dlqUrl())); // from now on every dead-lettering send fails
      // one call, so that one receive gets both
      sqs.sendMessageBatch(
          b ->
              b.queueUrl(q.url())
                  .entries(
                      e -> e.id("p").messageBody("not json").messageGroupId("g1").messageDeduplicationId("poison-1"),
                      e ->
                          e.id("b")
                              .messageBody(ConsumerITSupport.CODEC.encode(behind))
                              .messageGroupId("g1")
                              .messageDeduplicationId(behind.id())));
      // the poison message stays on the queue and is received again after its 1 s backoff
      await().atMost(DEADLINE).until(() -> retried() >= 1);
    }
    // meanwhile the event behind it in its group was not handled
    assertThat(recording.calls()).isEmpty();
  }

  @Test
  void fifoGroupIsReleasedWhenAHandlerThrowsAVirtualMachineError(TestNames names, SqsClient sqs) {
    String queue = names.fifoQueue("vmerror");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(20));
    Event<OrderCreated> first = order("first");
    Event<OrderCreated> second = order("second");
    AtomicInteger attempts = new AtomicInteger();
    RecordingHandler<OrderCreated> recording =
        new RecordingHandler<>(
            e -> {
              if (e.id().equals(first.id()) && attempts.incrementAndGet() == 1) {
                throw new StackOverflowError("simulated");
              }
            });
    sqs.sendMessageBatch(
        b ->
            b.queueUrl(q.url())
                .entries(
                    e -> e.id("1").messageBody(ConsumerITSupport.CODEC.encode(first)).messageGroupId("g1").messageDeduplicationId(first.id()),
                    e -> e.id("2").messageBody(ConsumerITSupport.CODEC.encode(second)).messageGroupId("g1").messageDeduplicationId(second.id())));

    try (SqsConsumer consumer = support.consumer(queue, recording, registry).build().start()) {
      // the error escapes the group's task, but the message behind is still given back, so the
      // group is not stuck behind it
      // (the error is rethrown to the handler thread: not a test failure)
      await().dontCatchUncaughtExceptions().atMost(DEADLINE).until(() -> recording.succeeded().size() == 2);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(recording.succeededIds()).containsExactly(first.id(), second.id());
  }

  private double retried() {
    var c = registry.find("evently.consumer.retried").counter();
    return c == null ? 0 : c.count();
  }

  private double received() {
    var c = registry.find("evently.consumer.received").counter();
    return c == null ? 0 : c.count();
  }
}
