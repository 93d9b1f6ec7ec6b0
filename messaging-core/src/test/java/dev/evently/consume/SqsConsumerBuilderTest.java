package dev.evently.consume;

import dev.evently.consume.internal.ConsumerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class SqsConsumerBuilderTest {
  record OrderCreated(String orderId) {}

  record NotRegistered(String x) {}

  private final EventCodec codec = EventCodec.of(EventTypes.builder().register(OrderCreated.class).build());
  /** A real client pointing at a closed port: building never calls it; one per class (closing takes ~2 s). */
  private static final SqsAsyncClient client =
      SqsAsyncClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
          .endpointOverride(URI.create("http://127.0.0.1:9"))
          .overrideConfiguration(
              c -> c.apiCallTimeout(Duration.ofSeconds(3)).retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build();

  @AfterAll
  static void closeClient() {
    client.close();
  }

  private SqsConsumer.Builder valid() {
    return SqsConsumer.builder().client(client).queueName("orders").codec(codec).handle(OrderCreated.class, e -> {});
  }

  @Test
  void buildsWithDefaultsAndNamesAfterTheQueue() {
    SqsConsumer consumer = valid().build();
    assertThat(consumer.name()).isEqualTo("orders");
    assertThat(consumer.isRunning()).isFalse();
    assertThat(consumer.lastReceiveError()).isEmpty();
    assertThat(valid().name("billing").build().name()).isEqualTo("billing");
  }

  @Test
  void defaultReceiveConcurrencyIsOneCallPerTenMessagesHeldUpToFifty() {
    assertThat(ConsumerConfig.defaultReceiveConcurrency(1)).isEqualTo(1);
    assertThat(ConsumerConfig.defaultReceiveConcurrency(10)).isEqualTo(1);
    assertThat(ConsumerConfig.defaultReceiveConcurrency(11)).isEqualTo(2);
    assertThat(ConsumerConfig.defaultReceiveConcurrency(110)).isEqualTo(11);
    assertThat(ConsumerConfig.defaultReceiveConcurrency(500)).isEqualTo(50);
    assertThat(ConsumerConfig.defaultReceiveConcurrency(5000)).isEqualTo(50);
  }

  @Test
  void concurrencyAndPrefetchHaveDefaultsAndMaxInFlightMeansNoPrefetch() {
    SqsConsumer defaults = valid().build();
    assertThat(defaults.concurrency()).isEqualTo(SqsConsumer.DEFAULT_CONCURRENCY);
    assertThat(defaults.prefetch()).isEqualTo(SqsConsumer.DEFAULT_PREFETCH);
    SqsConsumer set = valid().concurrency(50).prefetch(7).build();
    assertThat(set.concurrency()).isEqualTo(50);
    assertThat(set.prefetch()).isEqualTo(7);
    @SuppressWarnings("deprecation")
    SqsConsumer old = valid().maxInFlight(20).build();
    assertThat(old.concurrency()).isEqualTo(20);
    assertThat(old.prefetch()).isZero();
  }

  @Test
  @SuppressWarnings("deprecation")
  void maxInFlightCannotBeCombinedWithConcurrencyOrPrefetch() {
    assertThatThrownBy(() -> valid().maxInFlight(20).concurrency(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set either maxInFlight or concurrency/prefetch");
    assertThatThrownBy(() -> valid().prefetch(5).maxInFlight(20).build())
        .hasMessageContaining("set either maxInFlight or concurrency/prefetch");
  }

  @Test
  void requiredFieldsAreNamed() {
    assertThatThrownBy(() -> SqsConsumer.builder().build()).hasMessage("client must be set");
    assertThatThrownBy(() -> SqsConsumer.builder().client(client).build()).hasMessage("queueName must be set");
    assertThatThrownBy(() -> SqsConsumer.builder().client(client).queueName("q").build())
        .hasMessage("codec must be set");
    assertThatThrownBy(() -> SqsConsumer.builder().client(client).queueName("q").codec(codec).build())
        .hasMessageStartingWith("handlers must not be empty");
  }

  @Test
  void settersRejectInvalidValuesNamingTheField() {
    SqsConsumer.Builder b = SqsConsumer.builder();
    assertThatThrownBy(() -> b.client(null)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("client");
    assertThatThrownBy(() -> b.queueName(" ")).hasMessageStartingWith("queueName");
    assertThatThrownBy(() -> b.name("")).hasMessageStartingWith("name");
    assertThatThrownBy(() -> b.maxInFlight(0)).hasMessageStartingWith("maxInFlight");
    assertThatThrownBy(() -> b.concurrency(0)).hasMessageStartingWith("concurrency");
    assertThatThrownBy(() -> b.concurrency(10_001)).hasMessageStartingWith("concurrency");
    assertThatThrownBy(() -> b.prefetch(-1)).hasMessageStartingWith("prefetch");
    assertThatThrownBy(() -> b.use(null)).hasMessageStartingWith("middleware");
    assertThatThrownBy(() -> b.handleBatch(OrderCreated.class, 0, events -> BatchResult.success()))
        .hasMessageStartingWith("maxBatchSize");
    assertThatThrownBy(() -> b.handleBatch(OrderCreated.class, null)).hasMessageStartingWith("handler");
    assertThatThrownBy(() -> b.receiveConcurrency(0)).hasMessageStartingWith("receiveConcurrency");
    assertThatThrownBy(() -> b.waitTime(Duration.ofSeconds(21))).hasMessageStartingWith("waitTime");
    assertThatThrownBy(() -> b.waitTime(Duration.ofMillis(1500))).hasMessageStartingWith("waitTime");
    assertThatThrownBy(() -> b.waitTime(Duration.ofSeconds(-1))).hasMessageStartingWith("waitTime");
    assertThatThrownBy(() -> b.visibilityTimeout(Duration.ZERO)).hasMessageStartingWith("visibilityTimeout");
    assertThatThrownBy(() -> b.visibilityTimeout(Duration.ofHours(13))).hasMessageStartingWith("visibilityTimeout");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1))).hasMessageStartingWith("shutdownTimeout");
    assertThatThrownBy(() -> b.backoff(null)).hasMessageStartingWith("backoff");
    assertThatThrownBy(() -> b.backoff(dev.evently.retry.Backoff.fixed(Duration.ofHours(13))))
        .hasMessageStartingWith("backoff.max must be <= 12 hours");
    assertThatThrownBy(() -> b.executor(null)).hasMessageStartingWith("executor");
    assertThatThrownBy(() -> b.meterRegistry(null)).hasMessageStartingWith("meterRegistry");
    assertThatThrownBy(() -> b.handle(OrderCreated.class, (EventHandler<OrderCreated>) null)).hasMessageStartingWith("handler");
    b.waitTime(Duration.ZERO).waitTime(Duration.ofSeconds(20)).visibilityTimeout(Duration.ofHours(12));
  }

  @Test
  void handlersMustBeRegisteredTypesAndUnique() {
    assertThatThrownBy(() -> valid().handle(NotRegistered.class, e -> {}).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NotRegistered is not registered in the codec's types");
    assertThatThrownBy(() -> valid().handle(OrderCreated.class, e -> {}))
        .hasMessageContaining("already registered");
  }

  @Test
  void receiveConcurrencyMayNotExceedTheMessagesThatMayBeHeld() {
    assertThatThrownBy(() -> valid().concurrency(1).prefetch(1).receiveConcurrency(3).build())
        .hasMessage("receiveConcurrency must be <= concurrency + prefetch");
  }

  @Test
  void aTypeHasOneHandlerWhetherSingleOrBatch() {
    assertThatThrownBy(() -> valid().handleBatch(OrderCreated.class, events -> BatchResult.success()))
        .hasMessageContaining("already registered");
  }

  @Test
  void startFailsClearlyWhenSqsCannotBeReachedAndCloseIsIdempotent() {
    SqsConsumer consumer = valid().build();
    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerStartException.class)
        .hasMessageContaining("resolving queue 'orders' failed");
    assertThat(consumer.isRunning()).isFalse();
    consumer.close();
    consumer.close();
    assertThatThrownBy(consumer::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
