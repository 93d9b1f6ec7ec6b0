package dev.evently.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.retry.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/** Behaviour that needs no SNS: a real client pointed at a closed port. */
class SnsPublisherTest {
  record Note(String text) {}

  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:notes";

  private final EventCodec codec = EventCodec.of(EventTypes.builder().register(Note.class).build());
  private static final CallCounter counter = new CallCounter();
  private static SnsAsyncClient client;

  @BeforeAll
  static void createClient() {
    client = clientToClosedPort(counter);
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @BeforeEach
  void resetCounter() {
    counter.reset();
  }

  @Test
  void builderNamesTheFieldAtFault() {
    assertThatThrownBy(() -> SnsPublisher.builder().topic(TOPIC).codec(codec).build())
        .hasMessage("client must be set");
    assertThatThrownBy(() -> SnsPublisher.builder().client(client).codec(codec).build())
        .hasMessage("topic must be set");
    assertThatThrownBy(() -> SnsPublisher.builder().client(client).topic(TOPIC).build())
        .hasMessage("codec must be set");
    assertThatThrownBy(() -> SnsPublisher.builder().topic("arn:aws:sns:notes")).hasMessageStartingWith("topic must be");
    assertThatThrownBy(() -> SnsPublisher.builder().topic("a:b")).hasMessageStartingWith("topic must be");
    assertThatThrownBy(() -> SnsPublisher.builder().linger(Duration.ofMillis(-1))).hasMessage("linger must be >= 0");
    assertThatThrownBy(() -> SnsPublisher.builder().maxMessageBytes(2 * 1024 * 1024))
        .hasMessageStartingWith("maxMessageBytes must be");
    assertThatThrownBy(() -> SnsPublisher.builder().maxConcurrentBatches(0))
        .hasMessageStartingWith("maxConcurrentBatches must be");
    assertThatThrownBy(() -> SnsPublisher.builder().maxAttempts(0)).hasMessageStartingWith("maxAttempts must be");
    assertThatThrownBy(() -> SnsPublisher.builder().retryBackoff(Backoff.fixed(Duration.ZERO)))
        .hasMessage("retryBackoff initial must be > 0");
    assertThatThrownBy(() -> SnsPublisher.builder().messageGroupId(null)).hasMessage("messageGroupId must not be null");
    assertThatThrownBy(() -> SnsPublisher.builder().maxBufferedEvents(0)).hasMessage("maxBufferedEvents must be >= 1");
    assertThatThrownBy(() -> SnsPublisher.builder().closeTimeout(Duration.ofMillis(-1)))
        .hasMessage("closeTimeout must be >= 0");
    assertThatThrownBy(() -> SnsPublisher.builder().closeTimeout(null)).hasMessage("closeTimeout must be >= 0");
    assertThatThrownBy(
            () -> SnsPublisher.builder().client(client).topic(TOPIC).codec(codec).messageGroupId(Event::subject).build())
        .hasMessage("messageGroupId applies to FIFO topics only, but topic " + TOPIC + " is a standard topic");
    assertThatThrownBy(
            () -> SnsPublisher.builder().client(client).topic(TOPIC).codec(codec).deduplicationId(e -> null).build())
        .hasMessageStartingWith("deduplicationId applies to FIFO topics only");
  }

  @Test
  void aFifoTopicSendsOneBatchAtATime() {
    try (SnsPublisher fifo =
        SnsPublisher.builder().client(client).topic(TOPIC + ".fifo").codec(codec).maxConcurrentBatches(16).build()) {
      assertThat(fifo.isFifo()).isTrue();
      assertThat(fifo.maxConcurrentBatches()).isEqualTo(1);
    }
  }

  @Test
  void anOversizedEventIsRefusedBeforeAnyCallNamingItsIdTypeAndSize() {
    try (SnsPublisher publisher = publisher(5)) {
      Event<Note> big = Event.of("Note", "test", new Note("x".repeat(2048)));

      CompletableFuture<String> future = publisher.publish(big);

      assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining(big.id())
          .hasMessageContaining("Note")
          .hasMessageMatching("(?s).* is \\d{4} bytes, more than maxMessageBytes 1024.*");
      assertThat(((PublishException) future.handle((v, e) -> e.getCause() != null ? e.getCause() : e).join()).retryable())
          .isFalse();
    }
    assertThat(counter.calls()).isZero();
  }

  @Test
  void anUnregisteredTypeFailsItsFutureWithoutACall() {
    try (SnsPublisher publisher = publisher(5)) {
      Event<Note> unknown = new Event<>("e-1", "Unknown", "test", java.time.Instant.now(), null, null, null, null, new Note("n"));
      assertThatThrownBy(() -> publisher.publish(unknown).get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("e-1")
          .hasMessageContaining("not registered");
    }
    assertThat(counter.calls()).isZero();
  }

  @Test
  void publishingAfterCloseFailsTheFutureWithIllegalState() {
    SnsPublisher publisher = publisher(5);
    publisher.close();
    publisher.close();

    assertThatThrownBy(() -> publisher.publish(Event.of("Note", "test", new Note("late"))).get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(counter.calls()).isZero();
  }

  @Test
  void transportFailuresAreRetriedUpToMaxAttemptsThenFailRetryable() throws Exception {
    Event<Note> event = Event.of("Note", "test", new Note("n"));
    CompletableFuture<String> future;
    try (SnsPublisher publisher = publisher(3)) {
      future = publisher.publish(event);
    } // close waits for the outcome

    assertThat(future).isCompletedExceptionally();
    Throwable failure = future.handle((v, e) -> e).get(1, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(PublishException.class).hasMessageContaining(event.id()).hasMessageContaining("3 attempts");
    assertThat(((PublishException) failure).retryable()).isTrue();
    assertThat(((PublishException) failure).eventId()).isEqualTo(event.id());
    assertThat(counter.batchSizes()).containsExactly(1, 1, 1);
  }

  @Test
  void aZeroCloseTimeoutFailsEveryEventStillRetryingAtOnce() {
    List<CompletableFuture<String>> futures;
    SnsPublisher publisher =
        SnsPublisher.builder()
            .client(client)
            .topic(TOPIC)
            .codec(codec)
            .maxAttempts(100)
            .retryBackoff(Backoff.fixed(Duration.ofSeconds(10)))
            .closeTimeout(Duration.ZERO)
            .build();
    futures = publisher.publishAll(List.of(Event.of("Note", "test", new Note("a")), Event.of("Note", "test", new Note("b"))));

    long start = System.nanoTime();
    publisher.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(futures)
        .allSatisfy(
            f ->
                assertThatThrownBy(f::join)
                    .cause()
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("closeTimeout 0ms ran out"));
  }

  @Test
  void concurrentPublishersGetEveryFutureSettledAndNeverMoreThanTenPerBatch() throws Exception {
    List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();
    try (SnsPublisher publisher = publisher(1)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 50; i++) {
            futures.add(publisher.publish(Event.of("Note", "test", new Note("n" + i))));
          }
        });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    }

    assertThat(futures).hasSize(200).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    assertThat(counter.batchSizes()).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(counter.batchSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
  }

  @Test
  void theFailedCounterIsUpToDateWhenTheFutureFails() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CompletableFuture<Double> countSeenByCallback = new CompletableFuture<>();
    try (SnsPublisher publisher =
        SnsPublisher.builder()
            .client(client)
            .topic(TOPIC)
            .codec(codec)
            .linger(Duration.ofMillis(200)) // sent after the callback is attached
            .maxAttempts(1)
            .meterRegistry(meters)
            .build()) {
      publisher
          .publish(Event.of("Note", "test", new Note("n")))
          .whenComplete((id, error) -> countSeenByCallback.complete(meters.counter("evently.publish.failed", "topic", "notes").count()));

      assertThat(countSeenByCallback.get(5, TimeUnit.SECONDS)).isEqualTo(1.0);
    }
  }

  @Test
  void aFifoMessageWithoutGroupIdOrWithAnInvalidIdIsRefusedBeforeAnyCallNamingTheField() {
    try (SnsPublisher fifo =
        SnsPublisher.builder().client(client).topic(TOPIC + ".fifo").codec(codec).maxAttempts(1).build()) {
      EncodedMessage noGroup = new EncodedMessage("e-1", "Note", "{}", Map.of(), null, "d-1");
      EncodedMessage badDedup = new EncodedMessage("e-2", "Note", "{}", Map.of(), "g", "secret value");

      assertThatThrownBy(() -> fifo.publishEncoded(noGroup).join())
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("e-1")
          .hasMessageContaining("MessageGroupId must be set on a FIFO topic");
      assertThatThrownBy(() -> fifo.publishEncoded(badDedup).join())
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("MessageDeduplicationId")
          .hasMessageNotContaining("secret value");
    }
    assertThat(counter.calls()).isZero();
  }

  @Test
  void aGroupIdFunctionThatThrowsFailsOnlyItsEventNamingTheField() {
    try (SnsPublisher fifo =
        SnsPublisher.builder()
            .client(client)
            .topic(TOPIC + ".fifo")
            .codec(codec)
            .messageGroupId(e -> { throw new IllegalStateException("no group for " + e.id()); })
            .build()) {
      Event<Note> event = Event.of("Note", "test", new Note("n"));
      assertThatThrownBy(() -> fifo.publish(event).join())
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining(event.id())
          .hasMessageContaining("messageGroupId function failed")
          .satisfies(e -> assertThat(((PublishException) e).retryable()).isFalse());
    }
    assertThat(counter.calls()).isZero();
  }

  private SnsPublisher publisher(int maxAttempts) {
    return SnsPublisher.builder()
        .client(client)
        .topic(TOPIC)
        .codec(codec)
        .maxMessageBytes(1024)
        .maxAttempts(maxAttempts)
        .retryBackoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5)))
        .build();
  }

  private static SnsAsyncClient clientToClosedPort(CallCounter counter) {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return SnsAsyncClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).addExecutionInterceptor(counter)
            .retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }
}
