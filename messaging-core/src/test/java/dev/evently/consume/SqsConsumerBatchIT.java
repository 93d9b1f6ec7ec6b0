package dev.evently.consume;

import dev.evently.retry.Backoff;
import static dev.evently.consume.ConsumerITSupport.CODEC;
import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Batch handlers: per-event results, so one failing event retries or dead-letters alone. */
@LocalAws
class SqsConsumerBatchIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SqsClient sqs;
  private final SqsAsyncClient sqsAsync;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerBatchIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.sqs = sqs;
    this.sqsAsync = sqsAsync;
  }

  private SqsConsumer.Builder batchConsumer(String queue, BatchHandler<OrderCreated> handler) {
    return SqsConsumer.builder()
        .client(sqsAsync)
        .queueName(queue)
        .codec(CODEC)
        .handleBatch(OrderCreated.class, handler)
        .concurrency(1)
        .waitTime(Duration.ofSeconds(1))
        .backoff(Backoff.fixed(Duration.ofSeconds(1)))
        .shutdownTimeout(Duration.ofSeconds(10))
        .meterRegistry(registry);
  }

  @Test
  void aFailedEntryIsRetriedAloneWhileTheRestOfItsBatchIsDeletedOnce(TestNames names) {
    String queue = names.queue("batch-retry");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<Event<OrderCreated>> events = IntStream.range(0, 20).mapToObj(i -> order("b-" + i)).toList();
    String flaky = events.get(3).id();
    List<List<String>> calls = new CopyOnWriteArrayList<>();
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    BatchHandler<OrderCreated> handler =
        batch -> {
          calls.add(batch.stream().map(Event::id).toList());
          BatchResult.Builder result = BatchResult.builder();
          for (Event<OrderCreated> e : batch) {
            if (e.id().equals(flaky) && failedOnce.add(e.id())) {
              result.failed(e, new IllegalStateException("row lock timeout"));
            }
          }
          return result.build();
        };
    support.sendAll(q.url(), events);

    try (SqsConsumer consumer = batchConsumer(queue, handler).build().start()) {
      await().atMost(DEADLINE).until(() -> handledIds(calls).size() == 21);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    List<String> all = handledIds(calls);
    assertThat(all).filteredOn(flaky::equals).hasSize(2);
    assertThat(all.stream().distinct()).containsExactlyInAnyOrderElementsOf(events.stream().map(Event::id).toList());
    // the retry came alone: nothing else was redelivered with it
    List<String> retry = calls.stream().filter(c -> c.contains(flaky)).toList().get(1);
    assertThat(retry).containsExactly(flaky);
    assertThat(calls).anySatisfy(c -> assertThat(c.size()).isGreaterThan(1));
    assertThat(calls).allSatisfy(c -> assertThat(c.size()).isLessThanOrEqualTo(10));
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
    assertThat(registry.find("evently.consumer.succeeded").counter().count()).isEqualTo(20);
    assertThat(registry.find("evently.consumer.failed").counter().count()).isEqualTo(1);
  }

  @Test
  void aRejectedEntryGoesToTheDlqAloneAndAThrowingBatchIsRetriedWhole(TestNames names) {
    String queue = names.queue("batch-poison");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 5, visibility(30));
    List<Event<OrderCreated>> events = IntStream.range(0, 6).mapToObj(i -> order("x-" + i)).toList();
    String poison = events.get(2).id();
    List<List<String>> calls = new CopyOnWriteArrayList<>();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    boolean[] thrown = {false};
    BatchHandler<OrderCreated> handler =
        batch -> {
          calls.add(batch.stream().map(Event::id).toList());
          batch.forEach(e -> seen.merge(e.id(), 1, Integer::sum));
          synchronized (thrown) {
            if (!thrown[0]) { // the first call fails as a whole: every event of it comes back
              thrown[0] = true;
              throw new IllegalStateException("database down");
            }
          }
          BatchResult.Builder result = BatchResult.builder();
          batch.stream()
              .filter(e -> e.id().equals(poison))
              .forEach(e -> result.failed(e, new NonRetryableException("order total below zero")));
          return result.build();
        };
    support.sendAll(q.url(), events);

    try (SqsConsumer consumer = batchConsumer(queue, handler).build().start()) {
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    List<Message> dead = aws.receiveAll(q.dlqUrl(), DEADLINE, 1);
    assertThat(dead).singleElement().satisfies(m -> {
      assertThat(CODEC.decode(m.body()).id()).isEqualTo(poison);
      assertThat(m.messageAttributes().get(EventAttributes.DLQ_REASON).stringValue())
          .isEqualTo(SqsConsumer.HANDLER_REJECTED);
    });
    // every event of the first (failed) call was handled again; the others once
    List<String> first = calls.get(0);
    events.forEach(e -> assertThat(seen.get(e.id())).isEqualTo(first.contains(e.id()) ? 2 : 1));
  }

  private static List<String> handledIds(List<List<String>> calls) {
    return calls.stream().flatMap(List::stream).toList();
  }
}
