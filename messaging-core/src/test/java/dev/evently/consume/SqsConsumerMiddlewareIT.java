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
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Middleware and the delivery context, against a real queue. */
@LocalAws
class SqsConsumerMiddlewareIT {
  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final SqsAsyncClient sqsAsync;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  SqsConsumerMiddlewareIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.sqsAsync = sqsAsync;
  }

  record Seen(String who, String messageId, int receiveCount, boolean lastAttempt, String mdcMessageId) {}

  @Test
  void middlewareWrapsEveryAttemptInOrderAndTheHandlerSeesItsDeliveryUpToTheLastAttempt(TestNames names) {
    String queue = names.queue("delivery");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(30));
    List<Seen> seen = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    Middleware outer =
        chain -> {
          order.add("outer");
          Delivery d = chain.delivery();
          seen.add(new Seen("outer", d.messageId(), d.receiveCount(), d.isLastAttempt(), MDC.get(SqsConsumer.MDC_MESSAGE_ID)));
          chain.proceed();
        };
    Middleware inner = chain -> {
      order.add("inner");
      chain.proceed();
    };
    DeliveryHandler<OrderCreated> handler =
        (event, d) -> {
          order.add("handler");
          seen.add(new Seen("handler", d.messageId(), d.receiveCount(), d.isLastAttempt(), null));
          assertThat(d.queueName()).isEqualTo(queue);
          assertThat(d.queueUrl()).isEqualTo(q.url());
          assertThat(d.sentTimestamp()).hasValueSatisfying(t -> assertThat(t).isBefore(Instant.now().plusSeconds(5)));
          assertThat(d.firstReceiveTimestamp()).isPresent();
          assertThat(d.messageAttributes()).containsKey("event-type");
          if (!d.isLastAttempt()) {
            throw new IllegalStateException("not yet");
          }
        };
    Event<OrderCreated> event = order("d-1");
    String messageId = support.send(q.url(), event);

    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .client(sqsAsync)
            .queueName(queue)
            .codec(CODEC)
            .handle(OrderCreated.class, handler)
            .use(outer)
            .use(inner)
            .waitTime(Duration.ofSeconds(1))
            .backoff(Backoff.fixed(Duration.ofSeconds(1)))
            .meterRegistry(registry)
            .build()
            .start()) {
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(seen.stream().filter(s -> s.who().equals("handler")))
        .containsExactly(
            new Seen("handler", messageId, 1, false, null),
            new Seen("handler", messageId, 2, false, null),
            new Seen("handler", messageId, 3, true, null));
    // the consumer's MDC is in place for user middleware; order per attempt: outer, inner, handler
    assertThat(seen.stream().filter(s -> s.who().equals("outer")).map(Seen::mdcMessageId)).containsOnly(messageId);
    assertThat(order)
        .containsExactly("outer", "inner", "handler", "outer", "inner", "handler", "outer", "inner", "handler");
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
  }

  @Test
  void aMiddlewareThatAnswersForTheHandlerDeletesTheMessageWithoutRunningIt(TestNames names) {
    String queue = names.queue("short-circuit");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(30));
    RecordingHandler<OrderCreated> handler = new RecordingHandler<>();
    List<String> skipped = new CopyOnWriteArrayList<>();
    Middleware skipTests =
        chain -> {
          if (chain.event().subject() != null && chain.event().subject().startsWith("test-")) {
            skipped.add(chain.event().id());
            return;
          }
          chain.proceed();
        };
    Event<OrderCreated> real = order("real");
    Event<OrderCreated> test = order("t").withSubject("test-1");
    support.send(q.url(), real);
    support.send(q.url(), test);

    try (SqsConsumer consumer = support.consumer(queue, handler, registry).use(skipTests).build().start()) {
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(handler.succeededIds()).containsExactly(real.id());
    assertThat(skipped).containsExactly(test.id());
  }

  @Test
  void aForeignBinaryModeEventWithoutTimeReachesItsHandlerWithTheDeliverySayingSo(TestNames names) {
    String queue = names.queue("foreign");
    QueueWithDlq q = aws.createQueueWithDlq(queue, 3, visibility(30));
    List<Event<OrderCreated>> events = new CopyOnWriteArrayList<>();
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    // binary mode: context attributes as ce_* message attributes, the data alone in the body; no time
    support.sendRaw(
        q.url(),
        "{\"orderId\":\"f-1\",\"total\":3.5}",
        java.util.Map.of(
            "ce_specversion", ConsumerITSupport.string("1.0"),
            "ce_id", ConsumerITSupport.string("foreign-1"),
            "ce_type", ConsumerITSupport.string("OrderCreated"),
            "ce_source", ConsumerITSupport.string("urn:python:billing"),
            "ce_tenant", ConsumerITSupport.string("acme"),
            "content-type", ConsumerITSupport.string("application/json")));

    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .client(sqsAsync)
            .queueName(queue)
            .codec(CODEC)
            .handle(
                OrderCreated.class,
                (DeliveryHandler<OrderCreated>)
                    (event, delivery) -> {
                      events.add(event);
                      deliveries.add(delivery);
                    })
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .build()
            .start()) {
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
    }
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("foreign-1");
      assertThat(e.source()).isEqualTo("urn:python:billing");
      assertThat(e.data().orderId()).isEqualTo("f-1");
      assertThat(e.extensions()).containsEntry("tenant", "acme");
    });
    Delivery d = deliveries.get(0);
    assertThat(d.timeDerived()).isTrue();
    assertThat(d.extensions()).containsEntry("tenant", "acme");
    assertThat(events.get(0).time()).isEqualTo(d.sentTimestamp().orElseThrow());
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
  }
}
