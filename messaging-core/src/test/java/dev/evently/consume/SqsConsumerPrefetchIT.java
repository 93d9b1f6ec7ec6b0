package dev.evently.consume;

import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Prefetch: messages held beyond the running ones are bounded, hidden while held, and given back at close. */
@LocalAws
class SqsConsumerPrefetchIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SqsClient sqs;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerPrefetchIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.sqs = sqs;
  }

  @Test
  void heldMessagesNeverExceedConcurrencyPlusPrefetchAndOnlyConcurrencyRun(TestNames names) {
    String queue = names.queue("bounded-prefetch");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 30).mapToObj(i -> order("p-" + i)).toList());
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    try (SqsConsumer consumer =
        support.consumer(queue, blocking, registry).concurrency(2).prefetch(3).build().start()) {
      await().atMost(DEADLINE).until(() -> consumer.held() == 5 && blocking.started() == 2);
      // saturated: 2 running + 3 prefetched, counted by the consumer, its gauges and by SQS
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  consumer.held() == 5
                      && blocking.started() == 2
                      && gauge("in.flight") == 5
                      && gauge("prefetched") == 3
                      && gauge("running") == 2
                      && notVisible(q.url()) == 5);
      blocking.release();
      await().atMost(DEADLINE).until(() -> blocking.finished().size() == 30);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(blocking.maxRunning()).isEqualTo(2);
    assertThat(blocking.finished()).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void aPrefetchedMessageIsNeverDeliveredToAnotherConsumerWhileHeldAndIsHandledOnce(TestNames names) {
    String queue = names.queue("hidden-prefetch");
    // a 2 s visibility timeout: without the heartbeat, prefetched messages would reappear at once
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(2));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("h-" + i)).toList());
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    List<Message> stolen = new CopyOnWriteArrayList<>();
    try (SqsConsumer consumer =
        support.consumer(queue, blocking, registry).concurrency(1).prefetch(4).build().start()) {
      await().atMost(DEADLINE).until(() -> consumer.held() == 5 && blocking.started() == 1);
      // three visibility timeouts long, a second consumer polls the queue and must find nothing
      await()
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                stolen.addAll(receiveOnce(q.url()));
                return stolen.isEmpty();
              });
      assertThat(stolen).isEmpty();
      blocking.release();
      await().atMost(DEADLINE).until(() -> blocking.finished().size() == 5);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(blocking.finished()).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(count("received")).isEqualTo(5);
  }

  @Test
  void prefetchedMessagesAreVisibleAgainWithinASecondOfCloseWhileTheRunningOneFinishes(TestNames names) {
    String queue = names.queue("released-prefetch");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<String> sent = support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("r-" + i)).toList());
    BlockingHandler<OrderCreated> blocking = new BlockingHandler<>();
    SqsConsumer consumer = support.consumer(queue, blocking, registry).concurrency(1).prefetch(4).build().start();
    await().atMost(DEADLINE).until(() -> consumer.held() == 5 && blocking.started() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(consumer::close);
    await().atMost(Duration.ofSeconds(1)).until(() -> visible(q.url()) == 4);
    assertThat(closing).isNotDone(); // the running handler still has its shutdown timeout
    blocking.release();
    closing.join();

    assertThat(blocking.finished()).hasSize(1);
    RecordingHandler<OrderCreated> next = new RecordingHandler<>();
    try (SqsConsumer second = support.consumer(queue, next, new SimpleMeterRegistry()).build().start()) {
      await().atMost(DEADLINE).until(() -> next.succeeded().size() == 4);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(next.succeededIds()).doesNotContainAnyElementsOf(blocking.finished());
    assertThat(next.succeededIds()).hasSize(4);
    assertThat(sent).containsAll(next.succeededIds());
  }

  private List<Message> receiveOnce(String queueUrl) {
    return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
  }

  private int visible(String queueUrl) {
    return attribute(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  private int notVisible(String queueUrl) {
    return attribute(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
  }

  private int attribute(String queueUrl, QueueAttributeName name) {
    return Integer.parseInt(
        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(name)).attributes().get(name));
  }

  private double gauge(String name) {
    var g = registry.find("evently.consumer." + name).gauge();
    return g == null ? -1 : g.value();
  }

  private double count(String name) {
    var c = registry.find("evently.consumer." + name).counter();
    return c == null ? 0 : c.count();
  }
}
