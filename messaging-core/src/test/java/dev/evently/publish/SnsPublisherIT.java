package dev.evently.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

@LocalAws
class SnsPublisherIT {
  record OrderPlaced(String orderId, int quantity) {}

  record OrderCancelled(String orderId) {}

  private static final Duration ARRIVAL = Duration.ofSeconds(10);

  private final EventCodec codec =
      EventCodec.of(EventTypes.builder().register(OrderPlaced.class).register(OrderCancelled.class).build());
  /** Shared by the clients built here (closing an SDK client leaves a given HTTP client open). */
  private static final SdkAsyncHttpClient HTTP = NettyNioAsyncHttpClient.create();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterAll
  static void closeHttp() {
    HTTP.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void oneEventArrivesInBothSubscribedQueues(SnsAsyncClient sns, AwsFixtures aws, TestNames names) throws Exception {
    String topic = aws.createTopic(names.topic("orders"));
    String first = aws.createQueue(names.queue("billing"));
    String second = aws.createQueue(names.queue("shipping"));
    aws.subscribe(topic, first, true, null);
    aws.subscribe(topic, second, false, null);
    Event<OrderPlaced> event = placed("o-1");

    String messageId = publisher(sns, topic).publish(event).get(10, TimeUnit.SECONDS);

    assertThat(messageId).isNotBlank();
    assertThat(decodeAll(aws.receiveAll(first, ARRIVAL, 1))).containsExactly(event);
    assertThat(decodeAll(aws.receiveAll(second, ARRIVAL, 1))).containsExactly(event);
  }

  @Test
  void aFilterPolicyOnTheTypeKeepsOtherEventsOut(SnsAsyncClient sns, AwsFixtures aws, TestNames names) throws Exception {
    String topic = aws.createTopic(names.topic("orders"));
    String placedOnly = aws.createQueue(names.queue("placed"));
    aws.subscribe(topic, placedOnly, true, "{\"" + EventAttributes.TYPE + "\":[\"OrderPlaced\"]}");
    SnsPublisher publisher = publisher(sns, topic);
    Event<OrderPlaced> placed = placed("o-1");
    Event<OrderCancelled> cancelled = Event.of("OrderCancelled", "order-service", new OrderCancelled("o-1"));
    Event<OrderPlaced> marker = placed("marker");

    CompletableFuture.allOf(publisher.publishAll(List.of(placed, cancelled)).toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);
    publisher.publish(marker).get(10, TimeUnit.SECONDS); // SNS accepted the cancellation before the marker

    List<Message> received = aws.receiveAll(placedOnly, ARRIVAL, 2);
    assertThat(decodeAll(received)).containsExactlyInAnyOrder(placed, marker);
    assertThat(received)
        .allSatisfy(m -> assertThat(m.messageAttributes().get(EventAttributes.TYPE).stringValue()).isEqualTo("OrderPlaced"));
    assertThat(aws.approximateDepth(placedOnly)).isZero();
  }

  @Test
  void rawAndEnvelopedDeliveriesDecodeToTheSameEvent(SnsAsyncClient sns, AwsFixtures aws, TestNames names)
      throws Exception {
    String topic = aws.createTopic(names.topic("orders"));
    String raw = aws.createQueue(names.queue("raw"));
    String enveloped = aws.createQueue(names.queue("enveloped"));
    aws.subscribe(topic, raw, true, null);
    aws.subscribe(topic, enveloped, false, null);
    Event<OrderPlaced> event = placed("o-7").withSubject("o-7").withCorrelationId("c-1");

    publisher(sns, topic).publish(event).get(10, TimeUnit.SECONDS);

    Message rawMessage = aws.receiveAll(raw, ARRIVAL, 1).get(0);
    Message envelopedMessage = aws.receiveAll(enveloped, ARRIVAL, 1).get(0);
    assertThat(envelopedMessage.body()).contains("\"Type\": \"Notification\"");
    assertThat(rawMessage.body()).doesNotContain("Notification");
    assertThat(codec.decode(rawMessage.body())).isEqualTo(event).isEqualTo(codec.decode(envelopedMessage.body()));
  }

  @Test
  void twentyFiveEventsGoOutInBatchesOfAtMostTenFlushedOnCloseAndAllArrive(AwsBackend backend, AwsFixtures aws, TestNames names)
      throws Exception {
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter);
    String topic = aws.createTopic(names.topic("orders"));
    String queue = aws.createQueue(names.queue("all"));
    aws.subscribe(topic, queue, true, null);
    List<Event<?>> events = IntStream.range(0, 25).<Event<?>>mapToObj(i -> placed("o-" + i)).toList();

    List<CompletableFuture<String>> futures;
    // a linger far longer than the test: full batches go at once, the rest only because close flushes
    try (SnsPublisher publisher =
        SnsPublisher.builder().client(sns).topicArn(topic).codec(codec).linger(Duration.ofSeconds(30)).build()) {
      futures = publisher.publishAll(events);
    }

    for (CompletableFuture<String> f : futures) {
      assertThat(f).as("close waited for every outcome").isDone();
      assertThat(f.get(1, TimeUnit.SECONDS)).isNotBlank();
    }
    assertThat(counter.batchSizes()).containsExactlyInAnyOrder(10, 10, 5);
    assertThat(counter.calls()).isEqualTo(3);
    assertThat(decodeAll(aws.receiveAll(queue, ARRIVAL, 25))).containsExactlyInAnyOrderElementsOf(events);
  }

  @Test
  void aFifoTopicKeepsTheOrderWithinEachGroup(SnsAsyncClient sns, AwsFixtures aws, TestNames names) throws Exception {
    String topic = aws.createTopic(names.fifoTopic("orders"));
    String queue = aws.createQueue(names.fifoQueue("orders"));
    aws.subscribe(topic, queue, true, null);
    SnsPublisher publisher = publisher(sns, topic);
    List<Event<?>> events = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      for (String group : List.of("a", "b", "c")) {
        events.add(placed(group + "-" + n).withSubject(group));
      }
    }

    List<CompletableFuture<String>> futures = publisher.publishAll(events);
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    List<Message> received = aws.receiveAll(queue, ARRIVAL, 30);
    assertThat(received).hasSize(30);
    Map<String, List<String>> orderByGroup = new LinkedHashMap<>();
    for (Message m : received) {
      orderByGroup
          .computeIfAbsent(m.attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.MESSAGE_GROUP_ID), g -> new ArrayList<>())
          .add(((OrderPlaced) codec.decode(m.body()).data()).orderId());
    }
    for (String group : List.of("a", "b", "c")) {
      List<String> expected = IntStream.range(0, 10).mapToObj(n -> group + "-" + n).toList();
      assertThat(orderByGroup.get(group)).as("group " + group).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void anOversizedEventIsRefusedBeforeAnyCall(AwsBackend backend, AwsFixtures aws, TestNames names) throws Exception {
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter);
    String topic = aws.createTopic(names.topic("orders"));
    Event<OrderPlaced> big = placed("x".repeat(SnsPublisher.DEFAULT_MAX_MESSAGE_BYTES));

    CompletableFuture<String> future;
    try (SnsPublisher publisher = SnsPublisher.builder().client(sns).topicArn(topic).codec(codec).build()) {
      future = publisher.publish(big);
    }

    assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining(big.id())
        .hasMessageContaining("OrderPlaced")
        .hasMessageContaining("more than maxMessageBytes 262144");
    assertThat(counter.calls()).isZero();
  }

  @Test
  void aFailedEntryFailsOnlyItsOwnEvent(AwsBackend backend, AwsFixtures aws, TestNames names) throws Exception {
    List<Event<?>> events = IntStream.range(0, 10).<Event<?>>mapToObj(i -> placed("o-" + i)).toList();
    Event<?> bad = events.get(4);
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter, new InvalidEntryOnTheWire(bad.id()));
    String topic = aws.createTopic(names.topic("orders"));
    String queue = aws.createQueue(names.queue("orders"));
    aws.subscribe(topic, queue, true, null);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // a long linger: the ten events fill one batch, sent as soon as it is full, whatever the load
    SnsPublisher publisher =
        SnsPublisher.builder()
            .client(sns)
            .topicArn(topic)
            .codec(codec)
            .linger(Duration.ofSeconds(30))
            .meterRegistry(meters)
            .build();
    toClose.add(publisher);

    List<CompletableFuture<String>> futures = publisher.publishAll(events);

    for (int i = 0; i < 10; i++) {
      if (i != 4) {
        assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).as("event " + i).isNotBlank();
      }
    }
    assertThatThrownBy(() -> futures.get(4).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining(bad.id())
        .hasMessageContaining("OrderPlaced")
        .hasMessageContaining("InvalidParameter")
        .satisfies(e -> assertThat(((PublishException) e).retryable()).isFalse());
    assertThat(counter.batchSizes()).as("sender faults are not retried").containsExactly(10);
    assertThat(meters.counter("evently.publish.published", "topic", names.topic("orders")).count()).isEqualTo(9);
    assertThat(meters.counter("evently.publish.failed", "topic", names.topic("orders")).count()).isEqualTo(1);
    assertThat(meters.summary("evently.publish.batch.size", "topic", names.topic("orders")).max()).isEqualTo(10);
    List<Event<?>> arrived = decodeAll(aws.receiveAll(queue, ARRIVAL, 9));
    assertThat(arrived).hasSize(9).doesNotContain(bad);
    assertThat(aws.approximateDepth(queue)).isZero();
  }

  @Test
  void theResolverFindsAnExistingTopicAndNamesAMissingOne(SnsAsyncClient sns, AwsFixtures aws, TestNames names) {
    String name = names.topic("orders");
    String arn = aws.createTopic(name);
    aws.createTopic(names.topic("orders-other"));

    assertThat(TopicResolver.topicArn(sns, name)).isEqualTo(arn);
    String missing = names.topic("missing");
    assertThatThrownBy(() -> TopicResolver.topicArn(sns, missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'" + missing + "' does not exist");
  }

  private SnsPublisher publisher(SnsAsyncClient sns, String topic) {
    SnsPublisher publisher = SnsPublisher.builder().client(sns).topicArn(topic).codec(codec).build();
    toClose.add(publisher);
    return publisher;
  }

  private SnsAsyncClient client(AwsBackend backend, ExecutionInterceptor... interceptors) {
    SnsAsyncClient client =
        backend
            .configure(SnsAsyncClient.builder())
            .httpClient(HTTP)
            .overrideConfiguration(
                o -> {
                  for (ExecutionInterceptor i : interceptors) {
                    o.addExecutionInterceptor(i);
                  }
                })
            .build();
    toClose.add(client);
    return client;
  }

  private List<Event<?>> decodeAll(List<Message> messages) throws Exception {
    List<Event<?>> events = new ArrayList<>();
    for (Message m : messages) {
      events.add(codec.decode(m.body()));
    }
    return events;
  }

  private static Event<OrderPlaced> placed(String orderId) {
    return Event.of("OrderPlaced", "order-service", new OrderPlaced(orderId, 1));
  }

  /**
   * Makes SNS reject exactly one entry: adds a MessageDeduplicationId, which a standard topic
   * refuses (InvalidParameter, sender fault) for that entry alone.
   */
  private static final class InvalidEntryOnTheWire implements ExecutionInterceptor {
    private final String eventId;

    InvalidEntryOnTheWire(String eventId) {
      this.eventId = eventId;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      if (!(context.request() instanceof PublishBatchRequest batch)) {
        return context.request();
      }
      List<PublishBatchRequestEntry> entries =
          batch.publishBatchRequestEntries().stream()
              .map(e -> e.message().contains("\"id\":\"" + eventId + "\"") ? e.toBuilder().messageDeduplicationId("dup").build() : e)
              .collect(Collectors.toList());
      return batch.toBuilder().publishBatchRequestEntries(entries).build();
    }
  }
}
