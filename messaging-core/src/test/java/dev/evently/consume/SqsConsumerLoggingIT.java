package dev.evently.consume;

import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.event.Event;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The MDC around handler calls, and message bodies kept out of logs at INFO and above. */
@LocalAws
class SqsConsumerLoggingIT {
  private static final String MARKER = "Zq7MarkerX";

  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerLoggingIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
  }

  @Test
  void handlerRunsWithEventIdTypeAndCorrelationIdInTheMdcAndTheMdcIsClearedAfterwards(TestNames names) {
    String queue = names.queue("mdc");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(20));
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    List<Map<String, String>> afterTask = new CopyOnWriteArrayList<>();
    AtomicInteger tasks = new AtomicInteger();
    EventHandler<OrderCreated> handler =
        e -> {
          Map<String, String> mdc = new HashMap<>();
          for (String key :
              List.of(
                  SqsConsumer.MDC_CONSUMER,
                  SqsConsumer.MDC_MESSAGE_ID,
                  SqsConsumer.MDC_EVENT_ID,
                  SqsConsumer.MDC_EVENT_TYPE,
                  SqsConsumer.MDC_CORRELATION_ID)) {
            String value = MDC.get(key);
            if (value != null) {
              mdc.put(key, value);
            }
          }
          seen.put(e.id(), mdc);
        };
    Event<OrderCreated> first = order("o-1");
    Event<OrderCreated> second = order("o-2");
    String firstMessageId = support.send(q.url(), first);
    String secondMessageId = support.send(q.url(), second);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (SqsConsumer consumer =
        support
            .consumer(queue, handler, registry)
            .name("mdc-consumer")
            .executor(
                task -> {
                  tasks.incrementAndGet();
                  pool.execute(
                      () -> {
                        task.run();
                        Map<String, String> left = MDC.getCopyOfContextMap();
                        afterTask.add(left == null ? Map.of() : left);
                      });
                })
            .build()
            .start()) {
      // a handler thread may take both messages in one task: wait for every task to end
      await().atMost(DEADLINE).until(() -> seen.size() == 2 && afterTask.size() == tasks.get());
    } finally {
      pool.shutdownNow();
    }

    assertThat(seen.get(first.id()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                SqsConsumer.MDC_CONSUMER, "mdc-consumer",
                SqsConsumer.MDC_MESSAGE_ID, firstMessageId,
                SqsConsumer.MDC_EVENT_ID, first.id(),
                SqsConsumer.MDC_EVENT_TYPE, "OrderCreated",
                SqsConsumer.MDC_CORRELATION_ID, "corr-o-1"));
    assertThat(seen.get(second.id()))
        .containsEntry(SqsConsumer.MDC_MESSAGE_ID, secondMessageId)
        .containsEntry(SqsConsumer.MDC_EVENT_ID, second.id())
        .containsEntry(SqsConsumer.MDC_CORRELATION_ID, "corr-o-2");
    assertThat(afterTask).isNotEmpty().allSatisfy(left -> assertThat(left).isEmpty());
  }

  @Test
  void bodiesOfDeadLetteredPoisonMessagesNeverAppearInLogsAtInfoOrAbove(TestNames names) {
    String queue = names.queue("quiet");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(20));
    String notJson = MARKER + "-secret not json";
    String invalidData =
        "{\"specversion\":\"1.0\",\"id\":\"i-1\",\"source\":\"x\",\"type\":\"OrderCreated\","
            + "\"time\":\"2025-01-01T00:00:00Z\",\"data\":{\"orderId\":\"o-9\",\"total\":\""
            + MARKER
            + "-total\"}}";
    support.sendRaw(q.url(), notJson, Map.of());
    support.sendRaw(q.url(), invalidData, Map.of());

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try (SqsConsumer consumer = support.consumer(queue, e -> {}, registry).build().start()) {
      assertThat(aws.receiveAll(q.dlqUrl(), DEADLINE, 2)).hasSize(2);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    // the capture works: the consumer's own INFO and WARN lines are in it
    assertThat(log).contains("consumer '" + queue + "' started").contains("to the dead-letter queue");
    assertThat(log).doesNotContain(MARKER);
  }

  /** Writes to the original stream and to a capture buffer. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      try {
        first.write(b, off, len);
      } catch (java.io.IOException e) {
        // the console is best effort
      }
      synchronized (second) {
        try {
          second.write(b, off, len);
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }
}
