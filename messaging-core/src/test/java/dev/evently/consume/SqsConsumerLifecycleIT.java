package dev.evently.consume;

import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.consume.internal.QueueSetup;
import dev.evently.event.Event;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TcpProxy;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Start-up verification, the visibility heartbeat and graceful shutdown. */
@LocalAws
class SqsConsumerLifecycleIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SqsClient sqs;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerLifecycleIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.sqs = sqs;
  }

  @Test
  void startFailsClearlyForAMissingQueueOrDlqAndNeverCreatesOne(TestNames names) {
    String missing = names.queue("missing");
    assertThatThrownBy(() -> support.consumer(missing, e -> {}, registry).build().start())
        .isInstanceOf(ConsumerStartException.class)
        .hasMessageContaining("queue '" + missing + "' does not exist");
    assertThat(sqs.listQueues(b -> b.queueNamePrefix(missing)).queueUrls()).isEmpty();

    String plain = names.queue("plain");
    aws.createQueue(plain);
    assertThatThrownBy(() -> support.consumer(plain, e -> {}, registry).build().start())
        .isInstanceOf(ConsumerStartException.class)
        .hasMessageContaining("has no RedrivePolicy");

    String orphan = names.queue("orphan");
    QueueWithDlq q = aws.createQueueWithDlq(orphan, 3);
    sqs.deleteQueue(b -> b.queueUrl(q.dlqUrl()));
    assertThatThrownBy(() -> support.consumer(orphan, e -> {}, registry).build().start())
        .isInstanceOf(ConsumerStartException.class)
        .hasMessageContaining("dead-letter queue '" + orphan + "-dlq' of queue '" + orphan + "' does not exist");

    RecordingHandler<OrderCreated> handler = new RecordingHandler<>();
    Event<OrderCreated> event = order("o-1");
    support.send(aws.createQueue(names.queue("plain2")), event);
    try (SqsConsumer consumer =
        support.consumer(names.queue("plain2"), handler, registry).allowMissingDeadLetterQueue(true).build().start()) {
      assertThat(consumer.isRunning()).isTrue();
      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      assertThat(consumer.lastReceiveError()).isEmpty();
    }
  }

  @Test
  void aRedrivePolicyNamingADeletedDlqIsNotEffectiveSoNoAttemptIsTreatedAsTheLast(
      SqsAsyncClient sqsAsync, TestNames names) {
    String orphan = names.queue("orphan-allowed");
    QueueWithDlq q = aws.createQueueWithDlq(orphan, 3);
    sqs.deleteQueue(b -> b.queueUrl(q.dlqUrl()));

    QueueSetup setup = QueueSetup.resolve(sqsAsync, orphan, true);

    // a last attempt would be made visible at once for the redrive; with no queue to move it to
    // that would redeliver it in a tight loop on SQS, so backoff applies to every attempt
    assertThat(setup.dlqUrl()).isNull();
    assertThat(setup.maxReceiveCount()).isZero();
    assertThat(setup.queueUrl()).isEqualTo(q.url());
  }

  @Test
  void handlerRunningThreeVisibilityTimeoutsIsNotRedeliveredMeanwhileThenDeleted(TestNames names) {
    String queue = names.queue("slow");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(2));
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>(blocking);
    support.send(q.url(), order("slow"));

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).build().start()) {
      await().atMost(DEADLINE).until(() -> blocking.started() == 1);
      // a second consumer on the queue sees nothing for 3x the visibility timeout
      await()
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(9))
          .until(
              () -> sqs.receiveMessage(b -> b.queueUrl(q.url()).maxNumberOfMessages(10).waitTimeSeconds(0)).messages(),
              List::isEmpty);
      blocking.release();
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handler.calls()).hasSize(1);
    assertThat(handler.succeeded()).hasSize(1);
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
  }

  @Test
  void shutdownFinishesInFlightHandlersAndReleasesUnstartedMessagesAtOnce(TestNames names) throws Exception {
    String queue = names.queue("shutdown");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(60));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 10).mapToObj(i -> order("s-" + i)).toList());
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    ExecutorService twoThreads = Executors.newFixedThreadPool(2);
    try {
      SqsConsumer consumer =
          support.consumer(queue, blocking, registry).maxInFlight(6).executor(twoThreads).build().start();
      await().atMost(DEADLINE).until(() -> blocking.started() == 2 && inFlight() == 6);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(consumer::close);

      // the 4 received-but-unstarted come back at once (visibility 60 s would hide them for a minute),
      // together with the 4 never received
      Set<String> visibleAgain = new HashSet<>();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                for (Message m :
                    sqs.receiveMessage(
                            b -> b.queueUrl(q.url()).maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(60))
                        .messages()) {
                  visibleAgain.add(ConsumerITSupport.CODEC.decode(m.body()).id());
                }
                return visibleAgain.size() == 8;
              });
      assertThat(closing).isNotDone();
      assertThat(blocking.finished()).isEmpty();

      blocking.release();
      closing.get(15, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(consumer.isRunning()).isFalse();
      assertThat(blocking.started()).isEqualTo(2);
      assertThat(blocking.finished()).hasSize(2).doesNotContainAnyElementsOf(visibleAgain);
      Set<String> accounted = new HashSet<>(visibleAgain);
      accounted.addAll(blocking.finished());
      assertThat(accounted).containsExactlyInAnyOrderElementsOf(sent);
      // the two handled were deleted: only the 8 we hold remain (moto's approximate counts can lag
      // a delete that close() already waited for, so the count is awaited, not read once)
      await("only the 8 held messages remain").atMost(Duration.ofSeconds(5))
          .until(() -> support.messagesIn(q.url()) == 8);
    } finally {
      twoThreads.shutdownNow();
    }
  }

  @Test
  void idleConsumerClosesWithinASecondDespiteA20SecondLongPoll(TestNames names) {
    String queue = names.queue("idle");
    aws.createQueueWithDlq(queue, 3);
    SqsConsumer consumer = support.consumer(queue, e -> {}, registry).waitTime(Duration.ofSeconds(20)).build().start();
    await().atMost(DEADLINE).until(() -> registry.find("evently.consumer.in.flight").gauge() != null);

    long t0 = System.nanoTime();
    consumer.close();
    long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();

    assertThat(millis).isLessThan(1_000);
    assertThat(consumer.isRunning()).isFalse();
    consumer.close(); // idempotent
    assertThatThrownBy(consumer::start).isInstanceOf(IllegalStateException.class);
    assertThat(sqs.getQueueAttributes(b -> b.queueUrl(aws.createQueue(queue)).attributeNames(QueueAttributeName.ALL))
            .attributes())
        .containsKey(QueueAttributeName.REDRIVE_POLICY);
  }

  @Test
  void theInFlightGaugeCountsHeldMessagesNotSlotsReservedByAnEmptyLongPoll(TestNames names) {
    String queue = names.queue("gauge");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(30));
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    try (SqsConsumer consumer = support.consumer(queue, blocking, registry).maxInFlight(5).build().start()) {
      // idle: a long poll is always waiting, holding nothing
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> inFlight() == 0);
      support.send(q.url(), order("g-1"));
      await().atMost(DEADLINE).until(() -> blocking.started() == 1);
      await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 1);
      blocking.release();
      await().atMost(DEADLINE).until(() -> inFlight() == 0 && support.messagesIn(q.url()) == 0);
    }
  }

  @Test
  void receiveOutageIsReportedForHealthAndRecoveredFromWithoutLosingMessages(TestNames names, AwsBackend backend) {
    String queue = names.queue("outage");
    // A long poll that reached the server before the cut goes on there although its connection is gone
    // (moto and SQS alike): it may take the message sent during the outage, which then stays invisible for
    // the visibility timeout. Not lost, only late: a short timeout keeps that within the deadline.
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(3));
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>();
    try (TcpProxy proxy = TcpProxy.start(backend.endpoint());
        SqsAsyncClient viaProxy = ConsumerITSupport.sqsThrough(backend, proxy);
        SqsConsumer consumer =
            SqsConsumer.builder()
                .client(viaProxy)
                .queueName(queue)
                .codec(ConsumerITSupport.CODEC)
                .handle(OrderCreated.class, handler)
                .waitTime(Duration.ofSeconds(1))
                .build()
                .start()) {
      proxy.cut();
      await().atMost(DEADLINE).until(() -> consumer.lastReceiveError().isPresent());
      assertThat(consumer.isRunning()).isTrue();
      Event<OrderCreated> event = order("during-outage");
      support.send(q.url(), event);

      proxy.restore();

      await().atMost(DEADLINE).until(() -> handler.succeeded().size() == 1);
      assertThat(handler.succeededIds()).containsExactly(event.id());
      await().atMost(DEADLINE).until(() -> consumer.lastReceiveError().isEmpty());
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
  }

  @Test
  void aFailedVisibilityExtensionIsRetriedAtTheNextHeartbeatSoTheMessageNeverReappears(
      TestNames names, AwsBackend backend) {
    String queue = names.queue("blip");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(8));
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>(blocking);
    support.send(q.url(), order("blip"));
    try (TcpProxy proxy = TcpProxy.start(backend.endpoint());
        SqsAsyncClient viaProxy = ConsumerITSupport.sqsThrough(backend, proxy);
        SqsConsumer consumer =
            SqsConsumer.builder()
                .client(viaProxy)
                .queueName(queue)
                .codec(ConsumerITSupport.CODEC)
                .handle(OrderCreated.class, handler)
                .waitTime(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(5))
                .meterRegistry(registry)
                .build()
                .start()) {
      await().atMost(DEADLINE).until(() -> blocking.started() == 1);
      proxy.cut();
      // the extension due when half of the 8 s visibility is left fails
      await().atMost(DEADLINE).until(() -> acknowledgementFailures() >= 1);
      proxy.restore();

      // it is made again at the next heartbeat, before the message reappears: another reader
      // sees nothing for more than a visibility timeout
      await()
          .during(Duration.ofSeconds(9))
          .atMost(Duration.ofSeconds(12))
          .until(
              () -> sqs.receiveMessage(b -> b.queueUrl(q.url()).maxNumberOfMessages(10).waitTimeSeconds(0)).messages(),
              List::isEmpty);
      blocking.release();
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handler.calls()).hasSize(1);
  }

  private double acknowledgementFailures() {
    var c = registry.find("evently.consumer.acknowledgement.failed").counter();
    return c == null ? 0 : c.count();
  }

  private double inFlight() {
    var g = registry.find("evently.consumer.in.flight").gauge();
    return g == null ? -1 : g.value();
  }
}
