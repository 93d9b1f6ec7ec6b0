package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.SqsConsumer;
import dev.evently.event.Event;
import dev.evently.jdbc.TestDatabases;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A consumer process killed with SIGKILL inside its handler's transaction loses and duplicates nothing. */
@LocalAws
class KilledConsumerIT {
  private HikariDataSource ds;
  private Process child;

  @BeforeEach
  void database() throws Exception {
    ds = TestDatabases.postgres("killed");
    ConsumerFixtures.createEffectsTable(ds);
  }

  @AfterEach
  void cleanUp() {
    if (child != null) {
      child.destroyForcibly();
    }
    TestDatabases.dropPostgres(ds);
  }

  @Test
  void aConsumerKilledMidTransactionLeavesNoEffectAndTheRedeliveryRecordsItOnce(
      AwsBackend aws, SqsClient sqs, SqsAsyncClient sqsAsync, AwsFixtures fixtures, TestNames names,
      @TempDir Path dir) throws Exception {
    String queueName = names.queue("payments");
    String queueUrl = fixtures.createQueue(queueName, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3"));
    Event<Payment> event = Payment.event("o-1", 100);
    ConsumerFixtures.sendAll(fixtures, queueUrl, List.of(event));
    Path marker = dir.resolve("inside-transaction");

    AwsCredentials credentials = aws.credentials().resolveCredentials();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KilledConsumerMain.class.getName(),
                queueName,
                TestDatabases.POSTGRES_URL,
                TestDatabases.POSTGRES_USER,
                ds.getSchema(),
                marker.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile());
    pb.environment().put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    pb.environment().put("AWS_REGION", aws.region().id());
    pb.environment().put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    pb.environment().put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    child = pb.start();

    await() // a JVM start, a consumer start and a receive: slow on a loaded machine
        .atMost(Duration.ofSeconds(60))
        .failFast("child exited", () -> !child.isAlive())
        .until(() -> Files.exists(marker));
    assertThat(Files.readString(marker)).isEqualTo(event.id());

    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestDatabases.count(ds, "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
            + " AND application_name = 'PostgreSQL JDBC Driver' AND backend_xid IS NOT NULL") == 0);
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM effects")).as("effect rolled back").isZero();
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM evently_processed_events")).isZero();

    try (SqsConsumer restarted =
        ConsumerFixtures.consumer(
            sqsAsync, queueName, JdbcIdempotentHandler.of(ds, "billing", ConsumerFixtures::recordEffect), 5)) {
      restarted.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  TestDatabases.count(ds, "SELECT COUNT(*) FROM effects") == 1
                      && fixtures.messagesIn(queueUrl) == 0);
    }
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM effects WHERE event_id = '" + event.id() + "'"))
        .isEqualTo(1);
  }
}
