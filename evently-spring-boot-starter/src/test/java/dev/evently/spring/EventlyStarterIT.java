package dev.evently.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evently.consume.Delivery;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.publish.EventPublisher;
import dev.evently.spring.fixtures.OrderPlaced;
import dev.evently.spring.fixtures.Reply;
import dev.evently.spring.fixtures.SlowThing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The starter in an application context against a real SNS/SQS (moto by default, see the
 * localstack module): publish through the auto-configured publisher, receive in an
 * {@code @EventlyHandler}; the outbox inside {@code @Transactional} on H2; the shutdown order.
 */
@LocalAws
class EventlyStarterIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final AwsBackend backend;
  private final AwsFixtures fixtures;
  private final TestNames names;
  private String queue;
  private String queueUrl;
  private String topicArn;

  EventlyStarterIT(AwsBackend backend, AwsFixtures fixtures, TestNames names) {
    this.backend = backend;
    this.fixtures = fixtures;
    this.names = names;
  }

  private ApplicationContextRunner runner;

  @BeforeEach
  void topology() {
    String topic = names.topic("orders");
    topicArn = fixtures.createTopic(topic);
    queue = names.queue("svc");
    queueUrl = fixtures.createQueueWithDlq(queue, 3).url();
    fixtures.subscribe(topicArn, queueUrl, true, null);
    AwsCredentials credentials = backend.credentials().resolveCredentials();
    runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventlyAutoConfiguration.class, EventlyOutboxAutoConfiguration.class,
            EventlyHealthAutoConfiguration.class, DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(
            "evently.aws.endpoint=" + backend.endpoint(),
            "evently.aws.region=" + backend.region().id(),
            "evently.aws.access-key-id=" + credentials.accessKeyId(),
            "evently.aws.secret-access-key=" + credentials.secretAccessKey(),
            "evently.event-packages=dev.evently.spring.fixtures",
            "evently.publishers.orders.topic=" + topic,
            "evently.consumers." + queue + ".wait-time=1s",
            "evently.consumers." + queue + ".concurrency=4",
            "test.queue=" + queue,
            "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "spring.lifecycle.timeout-per-shutdown-phase=20s");
  }

  @Test
  void anEventPublishedThroughTheAutoConfiguredPublisherReachesTheHandlerWithItsDelivery() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      EventCodec codec = context.getBean(EventCodec.class);
      context.getBean(EventPublisher.class).publish(codec.types().event("it", new OrderPlaced("o-1")))
          .get(10, TimeUnit.SECONDS);

      Recorder recorder = context.getBean(Recorder.class);
      await().atMost(WAIT).until(() -> recorder.placed.containsKey("o-1"));
      Delivery delivery = recorder.placed.get("o-1");
      assertThat(delivery.queueName()).isEqualTo(queue);
      assertThat(delivery.receiveCount()).isEqualTo(1);
      assertThat(delivery.maxReceiveCount()).isEqualTo(3);

      HealthIndicator health = (HealthIndicator) context.getBean("eventlyHealthContributor",
          CompositeHealthContributor.class).getContributor(queue);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("running", true).containsEntry("concurrency", 4);
      assertThat(context.getBean(MeterRegistry.class).getMeters())
          .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("evently.consumer"));
    });
  }

  @Test
  void anOpenTelemetryBeanTracesPublisherAndConsumerInOneTrace() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    runner.withBean(OpenTelemetry.class, () -> sdk).run(context -> {
      assertThat(context).hasNotFailed();
      EventCodec codec = context.getBean(EventCodec.class);
      context.getBean(EventPublisher.class).publish(codec.types().event("it", new OrderPlaced("o-traced")))
          .get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("process " + queue)));

      SpanData create = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("create ")).findFirst().orElseThrow();
      SpanData process = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("process " + queue)).findFirst().orElseThrow();
      assertThat(process.getTraceId()).isEqualTo(create.getTraceId());
      assertThat(process.getParentSpanId()).isEqualTo(create.getSpanId());
    });
    sdk.close();
  }

  @Test
  void theOutboxPublishesWhatCommitsAndNothingOfWhatRollsBack() {
    runner.withPropertyValues("evently.outbox.enabled=true", "evently.outbox.poll-interval=100ms").run(context -> {
      assertThat(context).hasNotFailed();
      OrderService orders = context.getBean(OrderService.class);
      Recorder recorder = context.getBean(Recorder.class);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

      assertThatThrownBy(() -> orders.placeThenFail("o-rolled-back")).hasMessage("rolled back on purpose");
      orders.place("o-committed");

      await().atMost(WAIT).until(() -> recorder.placed.containsKey("o-committed"));
      assertThat(recorder.placed).doesNotContainKey("o-rolled-back");
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM evently_outbox", Integer.class)).isEqualTo(1);
      assertThat(jdbc.queryForList("SELECT id FROM orders", String.class)).containsExactly("o-committed");
      assertThatThrownBy(() -> context.getBean(TransactionalOutbox.class).publish("orders", new OrderPlaced("o-x")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a transaction");
    });
  }

  @Test
  void aHandlerRunningAtShutdownFinishesAndCanStillPublish() {
    // a queue of its own sees the reply: the stopping consumer's last long poll may take the reply
    // off the consumer's queue and, cancelled, leave it invisible until its visibility timeout
    String tapUrl = fixtures.createQueue(names.queue("tap"));
    fixtures.subscribe(topicArn, tapUrl, true, null);
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      EventCodec codec = context.getBean(EventCodec.class);
      Recorder recorder = context.getBean(Recorder.class);
      context.getBean(EventPublisher.class).publish(codec.types().event("it", new SlowThing("s-1")))
          .get(10, TimeUnit.SECONDS);
      assertThat(recorder.slowEntered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      MeterRegistry meters = context.getBean(MeterRegistry.class);
      Thread closing = new Thread(context::close, "closing-context");
      closing.start();
      EventlyConsumers consumers = context.getBean(EventlyConsumers.class);
      await().atMost(WAIT).until(() -> !consumers.isRunning());
      recorder.releaseSlow.countDown();
      closing.join(WAIT.toMillis());

      assertThat(closing.isAlive()).isFalse();
      assertThat(recorder.replyOutcome.get()).isEqualTo("published");
      assertThat(fixtures.receiveAll(tapUrl, Duration.ofSeconds(10), 2))
          .anySatisfy(m -> assertThat(m.body()).contains("test.reply"));
      // the slow message was handled and acknowledged before close() returned
      assertThat(meters.find("evently.consumer.succeeded").counter().count()).isEqualTo(1);
      assertThat(meters.find("evently.consumer.acknowledgement.failed").counter().count()).isZero();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    Recorder recorder(@Qualifier("orders") EventPublisher publisher, EventCodec codec) {
      return new Recorder(publisher, codec);
    }

    @Bean
    OrderService orderService(org.springframework.beans.factory.ObjectProvider<TransactionalOutbox> outbox,
        JdbcTemplate jdbc) {
      jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)");
      return new OrderService(outbox, jdbc);
    }

    @Bean
    JdbcTemplate jdbcTemplate(javax.sql.DataSource dataSource) {
      return new JdbcTemplate(dataSource);
    }
  }

  /** Records what the handlers saw; its slow handler blocks until released, then publishes a reply. */
  static class Recorder {
    final Map<String, Delivery> placed = new ConcurrentHashMap<>();
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch releaseSlow = new CountDownLatch(1);
    final AtomicReference<String> replyOutcome = new AtomicReference<>();
    private final EventPublisher publisher;
    private final EventCodec codec;

    Recorder(EventPublisher publisher, EventCodec codec) {
      this.publisher = publisher;
      this.codec = codec;
    }

    @EventlyHandler(queue = "${test.queue}")
    void on(Event<OrderPlaced> event, Delivery delivery) {
      placed.put(event.data().orderId(), delivery);
    }

    @EventlyHandler(queue = "${test.queue}")
    void on(SlowThing slow) throws Exception {
      slowEntered.countDown();
      releaseSlow.await(30, TimeUnit.SECONDS);
      try {
        publisher.publish(codec.types().event("it", new Reply(slow.id()))).get(10, TimeUnit.SECONDS);
        replyOutcome.set("published");
      } catch (Exception e) {
        replyOutcome.set(e.toString());
        throw e;
      }
    }

    @EventlyHandler(queue = "${test.queue}")
    void on(Reply reply) {
      // only consumed while the consumer runs; the shutdown test expects it left in the queue
    }
  }

  /** Business writes and the outbox in one Spring transaction. */
  static class OrderService {
    private final org.springframework.beans.factory.ObjectProvider<TransactionalOutbox> outbox;
    private final JdbcTemplate jdbc;

    OrderService(org.springframework.beans.factory.ObjectProvider<TransactionalOutbox> outbox, JdbcTemplate jdbc) {
      this.outbox = outbox;
      this.jdbc = jdbc;
    }

    @Transactional
    public void place(String id) {
      jdbc.update("INSERT INTO orders (id) VALUES (?)", id);
      outbox.getObject().publish("orders", new OrderPlaced(id));
    }

    @Transactional
    public void placeThenFail(String id) {
      place(id);
      throw new IllegalStateException("rolled back on purpose");
    }
  }
}
