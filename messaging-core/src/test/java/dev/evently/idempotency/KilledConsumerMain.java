package dev.evently.idempotency;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.SqsConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A consumer process for {@link KilledConsumerIT}: its handler records the effect in its
 * transaction, writes the marker file, and then never finishes, until the test kills the process.
 * Args: queue name, JDBC URL, user, schema, marker file. The SQS endpoint comes from the SDK's
 * environment (AWS_ENDPOINT_URL, AWS_REGION, credentials).
 */
public final class KilledConsumerMain {
  private KilledConsumerMain() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setUsername(args[2]);
    config.setSchema(args[3]);
    Path marker = Path.of(args[4]);
    HikariDataSource ds = new HikariDataSource(config);
    CountDownLatch never = new CountDownLatch(1);
    SqsConsumer consumer =
        ConsumerFixtures.consumer(
            SqsAsyncClient.create(),
            args[0],
            JdbcIdempotentHandler.<Payment>of(
                ds,
                "billing",
                (event, tx) -> {
                  ConsumerFixtures.recordEffect(event, tx);
                  Files.writeString(marker, event.id());
                  never.await();
                }),
            1);
    consumer.start();
    never.await();
  }
}
