package dev.evently.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.outbox.Outbox;
import dev.evently.payload.PayloadStore;
import dev.evently.publish.EventPublisher;
import dev.evently.publish.SnsPublisher;
import dev.evently.s3.S3PayloadStore;
import dev.evently.spring.fixtures.OrderPlaced;
import dev.evently.spring.internal.OutboxRelayLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinitionCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The auto-configuration without AWS: which beans exist, how properties bind and fail. */
class EventlyAutoConfigurationTest {
  private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:orders";

  /** Shared by the tests that build publishers or consumers: closing an SDK client takes its HTTP client ~2 s. */
  private static final SnsAsyncClient SNS = SnsAsyncClient.builder().region(Region.US_EAST_1)
      .credentialsProvider(AnonymousCredentialsProvider.create()).build();
  private static final SqsAsyncClient SQS = SqsAsyncClient.builder().region(Region.US_EAST_1)
      .credentialsProvider(AnonymousCredentialsProvider.create()).build();

  @AfterAll
  static void closeClients() {
    SNS.close();
    SQS.close();
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          EventlyPayloadsAutoConfiguration.class, EventlyAutoConfiguration.class, EventlyOutboxAutoConfiguration.class,
          EventlyHealthAutoConfiguration.class))
      .withPropertyValues(
          "evently.aws.region=us-east-1", "evently.aws.endpoint=http://127.0.0.1:9",
          "evently.aws.access-key-id=test", "evently.aws.secret-access-key=test",
          "evently.event-packages=dev.evently.spring.fixtures");

  @Test
  void withoutUserBeansEverythingIsAutoConfigured() {
    runner.run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(SnsAsyncClient.class).hasSingleBean(SqsAsyncClient.class)
          .hasSingleBean(EventCodec.class).hasSingleBean(EventPublishers.class)
          .hasSingleBean(EventlyConsumers.class)
          .doesNotHaveBean(TransactionalOutbox.class).doesNotHaveBean(Outbox.class);
      assertThat(context.getBean(EventCodec.class).types().nameOf(OrderPlaced.class)).contains("test.order.placed");
      assertThat(context.getBean(EventlyConsumers.class).consumers()).isEmpty();
    });
  }

  @Test
  void aPayloadBucketGivesAnS3PayloadStoreAndNothingElseDoes() {
    runner.run(context -> assertThat(context).doesNotHaveBean(PayloadStore.class).doesNotHaveBean(S3AsyncClient.class));
    runner.withPropertyValues("evently.payloads.bucket=evently-payloads", "evently.payloads.key-prefix=orders/")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(PayloadStore.class).hasSingleBean(S3AsyncClient.class);
          S3PayloadStore store = context.getBean(S3PayloadStore.class);
          assertThat(store.bucket()).isEqualTo("evently-payloads");
          assertThat(store.keyPrefix()).isEqualTo("orders/");
        });
    runner.withPropertyValues("evently.payloads.bucket=evently-payloads")
        .withClassLoader(new FilteredClassLoader(S3PayloadStore.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PayloadStore.class));
  }

  @Test
  void aBadPayloadBucketFailsNamingTheProperty() {
    runner.withPropertyValues("evently.payloads.bucket=Secret_Bucket").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause)
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("evently.payloads.bucket must be an S3 bucket name")
            .hasMessageNotContaining("Secret_Bucket"));
    runner.withPropertyValues("evently.payloads.key-prefix=x/").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause)
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("evently.payloads.key-prefix and evently.payloads.read-buckets need evently.payloads.bucket"));
  }

  @Test
  void theApplicationsClientsAndTypesWin() {
    SqsAsyncClient own = SQS;
    EventTypes types = EventTypes.builder().register("own.type", Unregistered.class).build();
    runner.withBean(SqsAsyncClient.class, () -> own, NOT_CLOSED).withBean(EventTypes.class, () -> types).run(context -> {
      assertThat(context.getBean(SqsAsyncClient.class)).isSameAs(own);
      assertThat(context.getBean(EventCodec.class).types()).isSameAs(types);
    });
  }

  @Test
  void onePublisherBeanPerConfiguredName() {
    sharedClients().withPropertyValues("evently.publishers.orders.topic=" + TOPIC_ARN,
            "evently.publishers.audit.topic=arn:aws:sns:us-east-1:000000000000:audit",
            "evently.publishers.audit.linger=0ms")
        .withUserConfiguration(NeedsOrdersPublisher.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(EventPublishers.class).names()).containsExactlyInAnyOrder("orders", "audit");
          assertThat(context.getBean(NeedsOrdersPublisher.class).publisher.topicArn()).isEqualTo(TOPIC_ARN);
          assertThat(context.getBean(EventPublishers.class).get("audit").linger()).isZero();
        });
  }

  @Test
  void aSinglePublisherIsInjectedWithoutQualifier() {
    sharedClients().withPropertyValues("evently.publishers.orders.topic=" + TOPIC_ARN)
        .run(context -> assertThat(context.getBean(EventPublisher.class)).isInstanceOf(SnsPublisher.class));
  }

  @Test
  void publishersUseTheContextsMeterRegistry() {
    sharedClients().withPropertyValues("evently.publishers.orders.topic=" + TOPIC_ARN)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> assertThat(context.getBean(MeterRegistry.class).getMeters())
            .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("evently.publish")));
  }

  @Test
  void aBadConsumerPropertyStopsTheStartNamingIt() {
    runner.withPropertyValues("evently.consumers.orders.concurrency=0").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessage("evently.consumers.orders.concurrency must be between 1 and 10000"));
    runner.withPropertyValues("evently.consumers.orders.wait-time=1500ms").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("evently.consumers.orders.wait-time must be"));
  }

  @Test
  void aBadOutboxPropertyStopsTheStartNamingIt() {
    runner.withPropertyValues("evently.outbox.concurrency=17").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessage("evently.outbox.concurrency must be between 1 and 16"));
  }

  @Test
  void aPublisherWithoutTopicStopsTheStartNamingIt() {
    runner.withPropertyValues("evently.publishers.orders.linger=5ms").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("evently.publishers.orders.topic must be set"));
  }

  @Test
  void halfOfTheStaticCredentialsIsRefusedWithoutItsValue() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventlyAutoConfiguration.class))
        .withPropertyValues("evently.aws.access-key-id=AKIDSECRETVALUE")
        .run(context -> assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessage("evently.aws.access-key-id and evently.aws.secret-access-key must be set together")
            .message().doesNotContain("AKIDSECRETVALUE"));
  }

  @Test
  void consumerOptionsForAQueueWithoutHandlerAreATypo() {
    runner.withPropertyValues("evently.consumers.ordres.concurrency=4").withUserConfiguration(OrdersHandler.class)
        .run(context -> assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("evently.consumers.ordres configures queue 'ordres' but no @EventlyHandler"));
  }

  @Test
  void aHandlerOfAnUnregisteredTypeStopsTheStartNamingTheMethod() {
    runner.withUserConfiguration(UnregisteredHandler.class).run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
            .hasMessageContaining("@EventlyHandler method unregisteredHandler.on handles dev.evently.spring.Unregistered")
            .hasMessageContaining("@EventType"));
  }

  @Test
  void handlersBecomeOneConsumerPerQueueWithTheirProperties() {
    sharedClients().withUserConfiguration(OrdersHandler.class)
        .withPropertyValues("evently.consumers.orders.concurrency=3", "evently.consumers.orders.prefetch=7",
            "evently.consumers.orders.auto-startup=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          var consumer = context.getBean(EventlyConsumers.class).consumers().get("orders");
          assertThat(consumer.concurrency()).isEqualTo(3);
          assertThat(consumer.prefetch()).isEqualTo(7);
          assertThat(consumer.isRunning()).isFalse();
        });
  }

  @Test
  void healthNeedsSpringBootHealthOnTheClasspath() {
    runner.run(context -> assertThat(context).hasBean("eventlyHealthContributor"));
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("eventlyHealthContributor"));
    runner.withPropertyValues("management.health.evently.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("eventlyHealthContributor"));
  }

  @Test
  void theOutboxNeedsADataSourceAndSaysSo() {
    runner.withPropertyValues("evently.outbox.enabled=true").run(context ->
        assertThat(context).getFailure().extracting(EventlyAutoConfigurationTest::rootCause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE).hasMessageContaining("evently.outbox.enabled=true needs one DataSource"));
  }

  @Test
  void consumersStopBeforeTheWebServerAndTheRelay() {
    int webServerGracefulShutdown = SmartLifecycle.DEFAULT_PHASE - 1024;
    int webServerStartStop = SmartLifecycle.DEFAULT_PHASE - 2048;
    assertThat(EventlyConsumers.PHASE).isGreaterThan(webServerGracefulShutdown);
    assertThat(OutboxRelayLifecycle.PHASE).isLessThan(webServerStartStop);
  }

  /** The context must not close the shared clients. */
  private static final BeanDefinitionCustomizer NOT_CLOSED = bd -> bd.setDestroyMethodName("");

  private ApplicationContextRunner sharedClients() {
    return runner.withBean(SnsAsyncClient.class, () -> SNS, NOT_CLOSED).withBean(SqsAsyncClient.class, () -> SQS, NOT_CLOSED);
  }

  static Throwable rootCause(Throwable t) {
    return org.springframework.core.NestedExceptionUtils.getMostSpecificCause(t);
  }

  @Configuration(proxyBeanMethods = false)
  static class NeedsOrdersPublisher {
    final SnsPublisher publisher;

    NeedsOrdersPublisher(@Qualifier("orders") SnsPublisher publisher) {
      this.publisher = publisher;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OrdersHandler {
    @EventlyHandler(queue = "orders")
    void on(Event<OrderPlaced> event) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class UnregisteredHandler {
    @Bean
    Object unregisteredHandler() {
      return new Object() {
        @EventlyHandler(queue = "orders")
        void on(Unregistered data) {}
      };
    }
  }
}
