package dev.evently.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.payload.internal.Pointers;
import dev.evently.publish.SnsPublisher;
import dev.evently.retry.Backoff;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The S3 claim-check end to end on moto (SNS, SQS and S3 behind one endpoint, started by
 * {@code @LocalAws}): fan-out to a raw and a wrapped subscription, tampering, foreign buckets, the
 * AWS extended clients' pointer, a missing object, and small events that never touch S3. S3 calls
 * are counted with an SDK interceptor on real clients.
 */
@LocalAws
class LargeEventsIT {
  record Note(String orderId, String text) {}

  static final String TYPE = "com.example.order.noted";
  private static final EventCodec CODEC = EventCodec.of(EventTypes.builder().register(TYPE, Note.class).build());
  private static final Backoff FAST = new Backoff(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 0.0);

  private final AwsBackend backend;
  private final AwsFixtures fixtures;
  private final SqsAsyncClient sqs;
  private final SqsClient sqsSync;
  private final SnsAsyncClient sns;
  private final TestNames names;
  private final S3CallCounter publisherCalls = new S3CallCounter();
  private final S3CallCounter consumerCalls = new S3CallCounter();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private S3AsyncClient publisherS3;
  private S3AsyncClient consumerS3;
  private S3Client s3;
  private String bucket;

  LargeEventsIT(AwsBackend backend, AwsFixtures fixtures, SqsAsyncClient sqs, SqsClient sqsSync, SnsAsyncClient sns, TestNames names) {
    this.backend = backend;
    this.fixtures = fixtures;
    this.sqs = sqs;
    this.sqsSync = sqsSync;
    this.sns = sns;
    this.names = names;
  }

  @BeforeEach
  void bucket() {
    publisherS3 = track(backend.configure(S3AsyncClient.builder()).forcePathStyle(true)
        .overrideConfiguration(c -> c.addExecutionInterceptor(publisherCalls)).build());
    consumerS3 = track(backend.configure(S3AsyncClient.builder()).forcePathStyle(true)
        .overrideConfiguration(c -> c.addExecutionInterceptor(consumerCalls)).build());
    s3 = track(backend.configure(S3Client.builder()).forcePathStyle(true).build());
    bucket = names.queue("payloads");
    s3.createBucket(b -> b.bucket(bucket));
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void aLargeEventReachesARawAndAWrappedSubscriberWholeAndItsObjectStays() throws Exception {
    Topology t = topicWithTwoQueues(3);
    String text = "x".repeat(600 * 1024);
    SnsPublisher publisher = publisher(t.topicArn);

    String messageId = publisher.publish(Event.of(TYPE, "orders", new Note("o-1", text)).withSubject("o-1"))
        .get(30, TimeUnit.SECONDS);

    assertThat(messageId).isNotBlank();
    assertThat(publisherCalls.calls()).containsExactly("PutObjectRequest");
    List<Event<Note>> raw = new CopyOnWriteArrayList<>();
    List<Event<Note>> wrapped = new CopyOnWriteArrayList<>();
    consumer(t.raw.url(), raw);
    consumer(t.wrapped.url(), wrapped);
    await().atMost(Duration.ofSeconds(30)).until(() -> raw.size() == 1 && wrapped.size() == 1);
    for (Event<Note> e : List.of(raw.get(0), wrapped.get(0))) {
      assertThat(e.data().text()).isEqualTo(text);
      assertThat(e.subject()).isEqualTo("o-1");
      assertThat(e.type()).isEqualTo(TYPE);
    }
    assertThat(consumerCalls.calls()).containsOnly("GetObjectRequest").hasSize(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.approximateDepth(t.raw.url()) == 0
        && fixtures.approximateDepth(t.wrapped.url()) == 0);
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(1); // nobody deleted it
  }

  @Test
  void aTamperedObjectIsDeadLetteredOnEverySubscriberAndNeverHandled() throws Exception {
    Topology t = topicWithTwoQueues(3);
    publisher(t.topicArn).publish(Event.of(TYPE, "orders", new Note("o-2", "y".repeat(300 * 1024)))).get(30, TimeUnit.SECONDS);
    String key = s3.listObjectsV2(b -> b.bucket(bucket)).contents().get(0).key();
    String original = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(original.replace("yyyy", "yyyz")));

    List<Event<Note>> handled = new CopyOnWriteArrayList<>();
    consumer(t.raw.url(), handled);
    consumer(t.wrapped.url(), handled);

    for (QueueWithDlq q : List.of(t.raw, t.wrapped)) {
      Message dead = fixtures.receiveAll(q.dlqUrl(), Duration.ofSeconds(20), 1).get(0);
      assertThat(attribute(dead, "dlq-reason")).isEqualTo("PAYLOAD_SHA256_MISMATCH");
      assertThat(attribute(dead, "dlq-error-message")).startsWith("PAYLOAD_SHA256_MISMATCH: payloadsha256:").doesNotContain("yyy");
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void aPointerIntoAForeignBucketIsDeadLetteredWithoutAnyS3Call() {
    QueueWithDlq q = fixtures.createQueueWithDlq(names.queue("foreign"), 3);
    String body = Pointers.pointerBody(
        CODEC.encode(Event.of(TYPE, "orders", new Note("o-3", "z"))),
        new dev.evently.payload.PayloadLocation("someone-elses-bucket", "secrets/k"), 100, "0".repeat(64));
    sqsSync.sendMessage(b -> b.queueUrl(q.url()).messageBody(body));

    List<Event<Note>> handled = new CopyOnWriteArrayList<>();
    consumer(q.url(), handled);

    Message dead = fixtures.receiveAll(q.dlqUrl(), Duration.ofSeconds(20), 1).get(0);
    assertThat(attribute(dead, "dlq-reason")).isEqualTo("PAYLOAD_FOREIGN_BUCKET");
    assertThat(attribute(dead, "dlq-error-message")).doesNotContain("someone-elses-bucket");
    assertThat(consumerCalls.count()).isZero();
    assertThat(handled).isEmpty();
  }

  @Test
  void aPointerWrittenByTheAwsExtendedClientIsResolved() {
    QueueWithDlq q = fixtures.createQueueWithDlq(names.queue("extended"), 3);
    String event = CODEC.encode(Event.of(TYPE, "legacy-service", new Note("o-4", "w".repeat(300 * 1024))));
    String key = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(event));
    String pointer = "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"" + bucket
        + "\",\"s3Key\":\"" + key + "\"}]";
    sqsSync.sendMessage(b -> b.queueUrl(q.url()).messageBody(pointer).messageAttributes(Map.of(
        "ExtendedPayloadSize", MessageAttributeValue.builder().dataType("Number")
            .stringValue(Integer.toString(event.getBytes(StandardCharsets.UTF_8).length)).build())));

    List<Event<Note>> handled = new CopyOnWriteArrayList<>();
    consumer(q.url(), handled);

    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 1);
    assertThat(handled.get(0).data().text()).hasSize(300 * 1024);
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(1);
  }

  @Test
  void aMissingObjectIsRetriedThenDeadLetteredWithItsReason() {
    QueueWithDlq q = fixtures.createQueueWithDlq(names.queue("missing"), 2);
    String body = Pointers.pointerBody(
        CODEC.encode(Event.of(TYPE, "orders", new Note("o-5", "z"))),
        new dev.evently.payload.PayloadLocation(bucket, "never-stored"), 100, "0".repeat(64));
    sqsSync.sendMessage(b -> b.queueUrl(q.url()).messageBody(body));

    List<Event<Note>> handled = new CopyOnWriteArrayList<>();
    consumer(q.url(), handled);

    Message dead = fixtures.receiveAll(q.dlqUrl(), Duration.ofSeconds(30), 1).get(0);
    assertThat(attribute(dead, "dlq-reason")).isEqualTo("PAYLOAD_MISSING");
    assertThat(attribute(dead, "dlq-attempts")).isEqualTo("2");
    assertThat(consumerCalls.calls()).containsExactly("GetObjectRequest", "GetObjectRequest");
    assertThat(handled).isEmpty();
  }

  @Test
  void tenThousandSmallEventsNeverTouchS3() throws Exception {
    String topicArn = fixtures.createTopic(names.topic("small"));
    SnsPublisher publisher = publisher(topicArn);
    List<Event<?>> events = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      events.add(Event.of(TYPE, "orders", new Note("o-" + i, "small")));
    }

    List<CompletableFuture<String>> published = publisher.publishAll(events);

    CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(publisherCalls.count()).isZero();
    assertThat(publisher.offloadThreshold()).isEqualTo(256 * 1024); // moto's topics have no MaximumMessageSize

    // and the consumer side: small events are decoded without a look at S3
    Topology t = topicWithTwoQueues(3);
    SnsPublisher second = publisher(t.topicArn);
    List<CompletableFuture<String>> few = second.publishAll(events.subList(0, 50));
    CompletableFuture.allOf(few.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    List<Event<Note>> raw = new CopyOnWriteArrayList<>();
    List<Event<Note>> wrapped = new CopyOnWriteArrayList<>();
    consumer(t.raw.url(), raw);
    consumer(t.wrapped.url(), wrapped);
    await().atMost(Duration.ofSeconds(30)).until(() -> raw.size() == 50 && wrapped.size() == 50);
    assertThat(consumerCalls.count()).isZero();
  }

  // ---- fixtures

  private record Topology(String topicArn, QueueWithDlq raw, QueueWithDlq wrapped) {}

  private Topology topicWithTwoQueues(int maxReceiveCount) {
    String topicArn = fixtures.createTopic(names.topic("notes"));
    QueueWithDlq raw = fixtures.createQueueWithDlq(names.queue("raw"), maxReceiveCount);
    QueueWithDlq wrapped = fixtures.createQueueWithDlq(names.queue("wrapped"), maxReceiveCount);
    fixtures.subscribe(topicArn, raw.url(), true, null);
    fixtures.subscribe(topicArn, wrapped.url(), false, null);
    return new Topology(topicArn, raw, wrapped);
  }

  private SnsPublisher publisher(String topicArn) {
    S3PayloadStore store = S3PayloadStore.builder().client(publisherS3).bucket(bucket).keyPrefix("notes/").build();
    return track(SnsPublisher.builder().client(sns).topic(topicArn).codec(CODEC).payloadStore(store).build());
  }

  private void consumer(String queueUrl, List<Event<Note>> handled) {
    S3PayloadStore store = S3PayloadStore.builder().client(consumerS3).bucket(bucket).build();
    String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    track(SqsConsumer.builder().client(sqs).queueName(queueName).codec(CODEC).payloadStore(store)
        .handle(Note.class, (Event<Note> e) -> { handled.add(e); }).backoff(FAST).waitTime(Duration.ofSeconds(1)).build().start());
  }

  private <C extends AutoCloseable> C track(C closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private static String attribute(Message m, String name) {
    MessageAttributeValue v = m.messageAttributes().get(name);
    return v == null ? null : v.stringValue();
  }
}
