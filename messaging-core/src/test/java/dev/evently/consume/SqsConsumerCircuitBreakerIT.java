package dev.evently.consume;

import dev.evently.retry.Backoff;
import static dev.evently.consume.ConsumerITSupport.CODEC;
import static dev.evently.consume.ConsumerITSupport.DEADLINE;
import static dev.evently.consume.ConsumerITSupport.order;
import static dev.evently.consume.ConsumerITSupport.string;
import static dev.evently.consume.ConsumerITSupport.visibility;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.ConsumerITSupport.OrderCreated;
import dev.evently.consume.ConsumerITSupport.Unhandled;
import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.idempotency.JdbcIdempotentHandler;
import dev.evently.jdbc.TestDatabases;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TcpProxy;
import dev.evently.localstack.TestNames;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The circuit breaker against a real outage: PostgreSQL behind a TCP proxy that is cut for longer
 * than maxReceiveCount x backoff, while events keep coming.
 */
@LocalAws
class SqsConsumerCircuitBreakerIT {
  private static final int MAX_RECEIVE_COUNT = 3;

  private final ConsumerITSupport support;
  private final AwsFixtures aws;
  private final AwsBackend backend;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ReceiveCounter receives = new ReceiveCounter();
  private HikariDataSource direct;
  private HikariDataSource proxied;
  private TcpProxy proxy;
  private SqsAsyncClient counted;

  SqsConsumerCircuitBreakerIT(SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures aws, AwsBackend backend) {
    this.support = new ConsumerITSupport(sqs, sqsAsync, aws);
    this.aws = aws;
    this.backend = backend;
  }

  /** Counts ReceiveMessage calls made with the consumer's client. */
  static final class ReceiveCounter implements ExecutionInterceptor {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (context.response() instanceof ReceiveMessageResponse) {
        calls.incrementAndGet();
      }
    }
  }

  @BeforeEach
  void database() throws Exception {
    direct = TestDatabases.postgres("breaker");
    try (Connection c = direct.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id VARCHAR(200) NOT NULL)");
    }
    URI pg = URI.create(TestDatabases.POSTGRES_URL.substring("jdbc:".length()));
    proxy = TcpProxy.start(pg.getHost(), pg.getPort());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath());
    config.setUsername(TestDatabases.POSTGRES_USER);
    config.setSchema(direct.getSchema());
    config.setMaximumPoolSize(5);
    config.setConnectionTimeout(500);
    config.setValidationTimeout(250);
    config.addDataSourceProperty("socketTimeout", "2");
    config.addDataSourceProperty("connectTimeout", "1");
    proxied = new HikariDataSource(config);
    counted =
        backend
            .configure(SqsAsyncClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(receives))
            .build();
  }

  @AfterEach
  void close() {
    if (counted != null) {
      counted.close();
    }
    if (proxied != null) {
      proxied.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    TestDatabases.dropPostgres(direct);
  }

  private CircuitBreaker breaker() {
    return CircuitBreaker.of(
        "orders-db",
        CircuitBreakerConfig.custom()
            .minimumNumberOfCalls(3)
            .slidingWindowSize(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(1))
            .permittedNumberOfCallsInHalfOpenState(2)
            .build());
  }

  private SqsConsumer.Builder consumer(String queue, CircuitBreaker breaker) {
    return SqsConsumer.builder()
        .client(counted)
        .queueName(queue)
        .codec(CODEC)
        .handle(
            OrderCreated.class,
            JdbcIdempotentHandler.<OrderCreated>of(proxied, "orders", (event, tx) -> {
              try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects VALUES (?)")) {
                ps.setString(1, event.id());
                ps.executeUpdate();
              }
            }))
        .circuitBreaker(
            CircuitBreakerPolicy.of(breaker)
                .probe(() -> {
                  try (Connection c = proxied.getConnection()) {
                    c.isValid(1);
                  }
                })
                .probeInterval(Duration.ofMillis(200)))
        .concurrency(4)
        .prefetch(10)
        .waitTime(Duration.ofSeconds(1))
        .backoff(Backoff.fixed(Duration.ofSeconds(1)))
        .shutdownTimeout(Duration.ofSeconds(10))
        .meterRegistry(registry);
  }

  private long effects() {
    return TestDatabases.count(direct, "SELECT COUNT(*) FROM effects");
  }

  private long distinctEffects() {
    return TestDatabases.count(direct, "SELECT COUNT(DISTINCT event_id) FROM effects");
  }

  @Test
  void anOutageLongerThanTheRetriesPausesTheQueueAndDeadLettersNothing(TestNames names) {
    String queue = names.queue("breaker-outage");
    QueueWithDlq q = aws.createQueueWithDlq(queue, MAX_RECEIVE_COUNT, visibility(5));
    CircuitBreaker breaker = breaker();
    try (SqsConsumer consumer = consumer(queue, breaker).build().start()) {
      support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("before-" + i)).toList());
      await().atMost(DEADLINE).until(() -> effects() == 5);

      proxy.cut();
      support.sendAll(q.url(), IntStream.range(0, 10).mapToObj(i -> order("during-" + i)).toList());
      await().atMost(DEADLINE).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
      assertThat(registry.find("evently.consumer.breaker.state").gauge().value()).isEqualTo(1.0);
      int receivesAtOpen = receives.calls.get();
      // longer than maxReceiveCount x (backoff + visibility): without the breaker all would be dead letters
      support.sendAll(q.url(), IntStream.range(0, 10).mapToObj(i -> order("later-" + i)).toList());
      await()
          .during(Duration.ofSeconds(12))
          .atMost(Duration.ofSeconds(15))
          .until(() -> breaker.getState() != CircuitBreaker.State.CLOSED && support.messagesIn(q.dlqUrl()) == 0);
      int receivesDuringOutage = receives.calls.get() - receivesAtOpen;

      proxy.restore();
      await().atMost(Duration.ofSeconds(60)).until(() -> distinctEffects() == 25);
      await().atMost(DEADLINE).until(() -> support.messagesIn(q.url()) == 0);
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      // the long polls in flight when it opened may come back; none is started while it is open
      assertThat(receivesDuringOutage).isLessThanOrEqualTo(consumer.concurrency() + 2);
    }
    assertThat(support.messagesIn(q.dlqUrl())).isZero();
    assertThat(effects()).isEqualTo(25); // every event applied exactly once
  }

  @Test
  void poisonStillGoesToTheDlqAtOnceAndABugInOneTypeDoesNotOpenTheBreaker(TestNames names) {
    String queue = names.queue("breaker-poison");
    QueueWithDlq q = aws.createQueueWithDlq(queue, MAX_RECEIVE_COUNT, visibility(5));
    CircuitBreaker breaker = breaker();
    AtomicInteger unhandled = new AtomicInteger();
    try (SqsConsumer consumer =
        consumer(queue, breaker)
            .handle(
                Unhandled.class,
                event -> {
                  unhandled.incrementAndGet();
                  throw new IllegalStateException("bug in the Unhandled handler");
                })
            .build()
            .start()) {
      // a bug in one handler: many failures, the breaker stays closed and the other type flows
      support.sendAll(
          q.url(),
          IntStream.range(0, 6).mapToObj(i -> Event.of("Unhandled", "test", new Unhandled("n-" + i))).toList());
      support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("ok-" + i)).toList());
      await().atMost(DEADLINE).until(() -> unhandled.get() >= 6 && effects() == 5);
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

      // the database goes down; a poison message arriving with events is dead-lettered, not held
      proxy.cut();
      support.sendRaw(q.url(), "{\"not\": \"a cloudevent\"}", Map.of(EventAttributes.TYPE, string("OrderCreated")));
      support.sendAll(q.url(), IntStream.range(0, 5).mapToObj(i -> order("down-" + i)).toList());
      List<Message> dead = aws.receiveAll(q.dlqUrl(), DEADLINE, 1);
      assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).contains("not"));
      proxy.restore();
      await().atMost(Duration.ofSeconds(60)).until(() -> effects() == 10);
    }
  }
}
