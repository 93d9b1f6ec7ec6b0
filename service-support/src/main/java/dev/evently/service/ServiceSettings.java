package dev.evently.service;

import dev.evently.event.EventTypes;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * How a reference service runs: its name, HTTP port, database, the topic it publishes to, the
 * queue it consumes, and its event types. Immutable; the {@code with*} methods make variants.
 *
 * @param service the service name (logs, metrics, the consumer name in the dedup table)
 * @param httpPort the HTTP port; 0 picks a free one
 * @param databaseUrl JDBC URL (H2 or PostgreSQL)
 * @param migrations the classpath folder of the service's own Flyway migrations
 * @param publishTopic the name of the SNS topic the service publishes to
 * @param consumeQueue the name of the SQS queue the service consumes
 * @param types the event types the service reads and writes
 * @param receiveWait the consumer's long-poll wait
 * @param sns the SNS client, or null to build one from the SDK's default chain (AWS_* variables)
 * @param sqs the SQS client, or null to build one from the SDK's default chain
 */
public record ServiceSettings(
    String service,
    int httpPort,
    String databaseUrl,
    String migrations,
    String publishTopic,
    String consumeQueue,
    EventTypes types,
    Duration receiveWait,
    SnsAsyncClient sns,
    SqsAsyncClient sqs) {

  public ServiceSettings {
    requireText(service, "service");
    requireText(databaseUrl, "databaseUrl");
    requireText(migrations, "migrations");
    requireText(publishTopic, "publishTopic");
    requireText(consumeQueue, "consumeQueue");
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort must be in 0..65535");
    }
    if (types == null) {
      throw new IllegalArgumentException("types must not be null");
    }
    if (receiveWait == null || receiveWait.isNegative() || receiveWait.toSeconds() > 20) {
      throw new IllegalArgumentException("receiveWait must be 0..20 s");
    }
  }

  /**
   * The settings of {@code service} from the environment: {@code HTTP_PORT} (else {@code
   * defaultPort}), {@code DATABASE_URL} (else an H2 file under {@code ./data/}), and the topic and
   * queue names from {@code topicVariable} / {@code queueVariable} (else the defaults). The
   * SDK's clients are built from its default chain; the consumer long-polls 20 s.
   */
  public static ServiceSettings fromEnv(
      Env env,
      String service,
      int defaultPort,
      String migrations,
      EventTypes types,
      String topicVariable,
      String defaultTopic,
      String queueVariable,
      String defaultQueue) {
    return new ServiceSettings(
        service,
        env.port("HTTP_PORT", defaultPort),
        env.get("DATABASE_URL", Database.defaultUrl(service)),
        migrations,
        env.get(topicVariable, defaultTopic),
        env.get(queueVariable, defaultQueue),
        types,
        Duration.ofSeconds(20),
        null,
        null);
  }

  public ServiceSettings withHttpPort(int port) {
    return new ServiceSettings(service, port, databaseUrl, migrations, publishTopic, consumeQueue, types, receiveWait, sns, sqs);
  }

  public ServiceSettings withDatabaseUrl(String url) {
    return new ServiceSettings(service, httpPort, url, migrations, publishTopic, consumeQueue, types, receiveWait, sns, sqs);
  }

  public ServiceSettings withTopology(String topic, String queue) {
    return new ServiceSettings(service, httpPort, databaseUrl, migrations, topic, queue, types, receiveWait, sns, sqs);
  }

  public ServiceSettings withReceiveWait(Duration wait) {
    return new ServiceSettings(service, httpPort, databaseUrl, migrations, publishTopic, consumeQueue, types, wait, sns, sqs);
  }

  /** Uses these clients (not closed by the service) instead of building its own. */
  public ServiceSettings withClients(SnsAsyncClient snsClient, SqsAsyncClient sqsClient) {
    return new ServiceSettings(service, httpPort, databaseUrl, migrations, publishTopic, consumeQueue, types, receiveWait, snsClient, sqsClient);
  }

  /** Event types registering each record class under its type name (e.g. {@code SagaEvents.TYPES}). */
  public static EventTypes typesOf(Map<String, Class<? extends Record>> recordClassesByName) {
    EventTypes.Builder builder = EventTypes.builder();
    recordClassesByName.forEach(builder::register);
    return builder.build();
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
