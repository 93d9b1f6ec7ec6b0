package dev.evently.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TcpProxy;
import dev.evently.localstack.TestNames;
import dev.evently.retry.Backoff;
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
    String queue = rawQueue(aws, topic, names.queue("all"));
    List<Event<?>> events = placedOrders("o-", 25);

    List<CompletableFuture<String>> futures;
    try (SnsPublisher publisher = lingering(sns, topic).build()) { // full batches go at once
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
    try (SnsPublisher publisher = SnsPublisher.builder().client(sns).topic(topic).codec(codec).build()) {
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
    List<Event<?>> events = placedOrders("o-", 10);
    Event<?> bad = events.get(4);
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter, new InvalidEntryOnTheWire(bad.id()));
    String topic = aws.createTopic(names.topic("orders"));
    String queue = rawQueue(aws, topic, names.queue("orders"));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // the ten events fill one batch, sent as soon as it is full, whatever the load
    SnsPublisher publisher = lingering(sns, topic).meterRegistry(meters).build();
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
    // the same by the OpenTelemetry messaging conventions
    assertThat(meters.find("messaging.client.sent.messages").tag("messaging.destination.name", names.topic("orders")).counters())
        .extracting(c -> c.getId().getTag("error.type"), c -> c.count())
        .containsExactlyInAnyOrder(tuple("none", 9.0), tuple("InvalidParameter", 1.0));
    assertThat(meters.find("messaging.client.operation.duration").tag("messaging.system", "aws_sns").timer().count()).isEqualTo(1);
    List<Event<?>> arrived = decodeAll(aws.receiveAll(queue, ARRIVAL, 9));
    assertThat(arrived).hasSize(9).doesNotContain(bad);
    assertThat(aws.approximateDepth(queue)).isZero();
  }

  @Test
  void aFullBufferFailsTheExtraEventsAtOnceWithoutACallAndPublishesTheRest(
      AwsBackend backend, AwsFixtures aws, TestNames names) throws Exception {
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter);
    String topic = aws.createTopic(names.topic("orders"));
    String queue = rawQueue(aws, topic, names.queue("orders"));
    List<Event<?>> events = placedOrders("o-", 8);

    List<CompletableFuture<String>> futures;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // the five accepted events wait in the buffer until close
    try (SnsPublisher publisher = lingering(sns, topic).maxBufferedEvents(5).meterRegistry(meters).build()) {
      futures = publisher.publishAll(events);
      assertThat(meters.get("evently.publish.buffered").tag("topic", names.topic("orders")).gauge().value())
          .as("events held without an outcome")
          .isEqualTo(5);

      for (int i = 5; i < 8; i++) {
        Event<?> refused = events.get(i);
        CompletableFuture<String> future = futures.get(i);
        assertThat(future).as("event " + i + " failed fast").isCompletedExceptionally();
        assertThatThrownBy(future::join)
            .cause()
            .isInstanceOf(BufferFullException.class)
            .hasMessageContaining(refused.id())
            .hasMessageContaining("maxBufferedEvents 5")
            .satisfies(e -> assertThat(((PublishException) e).retryable()).isTrue());
      }
      assertThat(futures.subList(0, 5)).as("accepted, still lingering").noneMatch(CompletableFuture::isDone);
      assertThat(counter.calls()).isZero();
    }

    for (int i = 0; i < 5; i++) {
      assertThat(futures.get(i).get(1, TimeUnit.SECONDS)).as("event " + i).isNotBlank();
    }
    assertThat(counter.batchSizes()).containsExactly(5);
    assertThat(meters.get("evently.publish.buffered").gauge().value()).as("after close").isZero();
    assertThat(decodeAll(aws.receiveAll(queue, ARRIVAL, 5))).containsExactlyInAnyOrderElementsOf(events.subList(0, 5));
    assertThat(aws.approximateDepth(queue)).isZero();
  }

  @Test
  void anEventFreesItsBufferSlotBeforeItsFutureCompletes(AwsBackend backend, AwsFixtures aws, TestNames names)
      throws Exception {
    SnsAsyncClient sns = client(backend);
    String topic = aws.createTopic(names.topic("orders"));
    SnsPublisher publisher = lingering(sns, topic).maxBufferedEvents(10).build();
    toClose.add(publisher);

    List<CompletableFuture<String>> first = publisher.publishAll(placedOrders("a-", 12));
    assertThat(first.subList(10, 12)).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    CompletableFuture.allOf(first.subList(0, 10).toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    // a full batch again: sent at once, and no event refused, since the first ten have their outcome
    List<CompletableFuture<String>> second = publisher.publishAll(placedOrders("b-", 10));
    CompletableFuture.allOf(second.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(second).allSatisfy(f -> assertThat(f.join()).isNotBlank());
  }

  @Test
  void closeGivesUpAfterCloseTimeoutAndFailsEveryUnconfirmedEvent(AwsBackend backend, AwsFixtures aws, TestNames names)
      throws Exception {
    String topic = aws.createTopic(names.topic("orders"));
    TcpProxy proxy = TcpProxy.start(backend.endpoint());
    toClose.add(proxy);
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns =
        backend
            .configure(SnsAsyncClient.builder())
            .endpointOverride(proxy.endpoint())
            .httpClient(HTTP)
            .overrideConfiguration(o -> o.addExecutionInterceptor(counter).retryStrategy(b -> b.maxAttempts(1)))
            .build();
    toClose.add(sns);
    // retried for minutes: SNS is out of reach and the backoff is long; not added to toClose
    SnsPublisher publisher =
        SnsPublisher.builder()
            .client(sns)
            .topic(topic)
            .codec(codec)
            .linger(Duration.ZERO)
            .maxConcurrentBatches(1)
            .maxAttempts(100)
            .retryBackoff(Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(30)))
            .closeTimeout(Duration.ofMillis(500))
            .build();
    proxy.cut();
    Event<OrderPlaced> sent = placed("sent");
    CompletableFuture<String> sentFuture = publisher.publish(sent);
    await().atMost(Duration.ofSeconds(10)).until(() -> counter.calls() >= 1); // in flight, then backing off
    List<Event<?>> waiting = List.of(placed("waiting-1"), placed("waiting-2")); // the only slot is busy
    List<CompletableFuture<String>> waitingFutures = publisher.publishAll(waiting);

    long start = System.nanoTime();
    CompletableFuture.runAsync(publisher::close).get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
    assertThat(sentFuture).isCompletedExceptionally();
    assertThatThrownBy(sentFuture::join)
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining(sent.id())
        .hasMessageContaining("not confirmed")
        .hasMessageContaining("closeTimeout 500ms")
        .satisfies(e -> assertThat(((PublishException) e).retryable()).isTrue());
    for (int i = 0; i < waiting.size(); i++) {
      Event<?> event = waiting.get(i);
      assertThatThrownBy(waitingFutures.get(i)::join)
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining(event.id())
          .hasMessageContaining("not sent")
          .hasMessageContaining("closeTimeout 500ms")
          .satisfies(e -> assertThat(((PublishException) e).retryable()).isTrue());
    }
    assertThat(counter.batchSizes()).as("the waiting events were never sent").allSatisfy(n -> assertThat(n).isEqualTo(1));
  }

  @Test
  void anInvalidFifoEntryFailsOnlyItsOwnEventBeforeBatching(AwsBackend backend, AwsFixtures aws, TestNames names)
      throws Exception {
    CallCounter counter = new CallCounter();
    SnsAsyncClient sns = client(backend, counter);
    String topic = aws.createTopic(names.fifoTopic("orders"));
    String queue = rawQueue(aws, topic, names.fifoQueue("orders"));
    List<Event<?>> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(placed("o-" + i).withSubject("group-a"));
    }
    events.set(2, placed("long-group").withSubject("g".repeat(129)));
    events.set(5, placed("space-in-group").withSubject("order 5"));
    events.set(7, placed("long-id").withId("i".repeat(129)).withSubject("group-a"));
    List<Event<?>> valid = new ArrayList<>(events);
    valid.removeAll(List.of(events.get(2), events.get(5), events.get(7)));

    List<CompletableFuture<String>> futures;
    try (SnsPublisher publisher = lingering(sns, topic).build()) {
      futures = publisher.publishAll(events);
    }

    assertRefused(futures.get(2), events.get(2), "MessageGroupId", "129 characters");
    assertRefused(futures.get(5), events.get(5), "MessageGroupId", "' ' at index 5");
    assertRefused(futures.get(7), events.get(7), "MessageDeduplicationId", "129 characters");
    for (int i : new int[] {0, 1, 3, 4, 6, 8, 9}) {
      assertThat(futures.get(i).get(1, TimeUnit.SECONDS)).as("event " + i).isNotBlank();
    }
    assertThat(counter.batchSizes()).as("one batch of the valid events").containsExactly(7);
    assertThat(decodeAll(aws.receiveAll(queue, ARRIVAL, 7))).containsExactlyElementsOf(valid);
  }

  private static void assertRefused(CompletableFuture<String> future, Event<?> event, String field, String why) {
    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::join)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(event.id())
        .hasMessageContaining(field)
        .hasMessageContaining(why);
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

  @Test
  void aTopicGivenByNameIsResolvedOnceWhenTheBuilderBuildsAndAMissingOneIsNamed(
      SnsAsyncClient sns, AwsFixtures aws, TestNames names) throws Exception {
    String name = names.topic("orders");
    String arn = aws.createTopic(name);
    String queue = rawQueue(aws, arn, names.queue("orders"));
    SnsPublisher publisher = SnsPublisher.builder().client(sns).topic(name).codec(codec).build();
    toClose.add(publisher);
    Event<OrderPlaced> event = placed("o-1");

    assertThat(publisher.topicArn()).isEqualTo(arn);
    publisher.publish(event).get(10, TimeUnit.SECONDS);
    assertThat(decodeAll(aws.receiveAll(queue, ARRIVAL, 1))).containsExactly(event);
    String missing = names.topic("missing");
    assertThatThrownBy(() -> SnsPublisher.builder().client(sns).topic(missing).codec(codec).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'" + missing + "' does not exist");
  }

  @Test
  void anEncodedMessageGoesOutExactlyAsGivenWithItsAttributes(SnsAsyncClient sns, AwsFixtures aws, TestNames names)
      throws Exception {
    String topic = aws.createTopic(names.topic("orders"));
    String queue = rawQueue(aws, topic, names.queue("orders"));
    // not a body this publisher's codec could decode: it is sent without being looked at
    String body = "{\"specversion\":\"1.0\",\"type\":\"RenamedSince\",\"id\":\"e-1\",\"data\":{\"x\":1}}";
    EncodedMessage message =
        new EncodedMessage(
            "e-1", "RenamedSince", body, Map.of(EventAttributes.TYPE, "RenamedSince", "traceparent", "00-abc-01"),
            "ignored-on-standard-topics", "ignored-too");

    publisher(sns, topic).publishEncoded(message).get(10, TimeUnit.SECONDS);

    Message received = aws.receiveAll(queue, ARRIVAL, 1).get(0);
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.messageAttributes().get(EventAttributes.TYPE).stringValue()).isEqualTo("RenamedSince");
    assertThat(received.messageAttributes().get("traceparent").stringValue()).isEqualTo("00-abc-01");
  }

  @Test
  void aFifoTopicTakesItsGroupIdAndDeduplicationIdFromTheConfiguredFunctions(
      AwsBackend backend, AwsFixtures aws, TestNames names) throws Exception {
    RecordingEntries entries = new RecordingEntries();
    SnsAsyncClient sns = client(backend, entries);
    String topic = aws.createTopic(names.fifoTopic("orders"));
    String queue = rawQueue(aws, topic, names.fifoQueue("orders"));
    List<Event<?>> events = new ArrayList<>();
    for (int n = 0; n < 6; n++) {
      events.add(placed((n % 2 == 0 ? "even-" : "odd-") + n).withSubject("ignored-subject"));
    }
    List<CompletableFuture<String>> futures;
    try (SnsPublisher publisher =
        lingering(sns, topic)
            .messageGroupId(e -> ((OrderPlaced) e.data()).orderId().split("-")[0])
            .deduplicationId(e -> "dedup-" + e.id())
            .build()) {
      futures = publisher.publishAll(events);
    }

    assertThat(futures).allSatisfy(f -> assertThat(f.join()).isNotBlank());
    assertThat(entries.groupIds()).containsExactly("even", "odd", "even", "odd", "even", "odd");
    assertThat(entries.deduplicationIds())
        .containsExactlyElementsOf(events.stream().map(e -> "dedup-" + e.id()).toList());
    List<Message> received = aws.receiveAll(queue, ARRIVAL, 6);
    assertThat(received)
        .extracting(m -> m.attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .containsOnly("even", "odd");
  }

  /** Records the FIFO ids of every PublishBatch entry the client sends. */
  private static final class RecordingEntries implements ExecutionInterceptor {
    private final List<PublishBatchRequestEntry> entries = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof PublishBatchRequest batch) {
        entries.addAll(batch.publishBatchRequestEntries());
      }
    }

    List<String> groupIds() {
      return entries.stream().map(PublishBatchRequestEntry::messageGroupId).toList();
    }

    List<String> deduplicationIds() {
      return entries.stream().map(PublishBatchRequestEntry::messageDeduplicationId).toList();
    }
  }

  /**
   * A publisher whose linger is far longer than any test: a batch goes out when it is full, or
   * because close flushes it.
   */
  private SnsPublisher.Builder lingering(SnsAsyncClient sns, String topic) {
    return SnsPublisher.builder().client(sns).topic(topic).codec(codec).linger(Duration.ofSeconds(30));
  }

  /** A new queue subscribed to {@code topic} with raw delivery. */
  private static String rawQueue(AwsFixtures aws, String topic, String queueName) {
    String queue = aws.createQueue(queueName);
    aws.subscribe(topic, queue, true, null);
    return queue;
  }

  private static List<Event<?>> placedOrders(String prefix, int count) {
    return IntStream.range(0, count).<Event<?>>mapToObj(i -> placed(prefix + i)).toList();
  }

  private SnsPublisher publisher(SnsAsyncClient sns, String topic) {
    SnsPublisher publisher = SnsPublisher.builder().client(sns).topic(topic).codec(codec).build();
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
