package dev.evently.reliability;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.TcpProxy;
import dev.evently.topology.Naming;
import dev.evently.topology.TopologyApplier;
import dev.evently.topology.TopologyLoader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole system of one scenario: the topology of {@code infra/topology.yaml} applied under a
 * unique prefix on the shared SNS/SQS backend, a PostgreSQL schema per service, and
 * order-publisher and customer-subscriber as separate processes; notification-service too when
 * the scenario asks for it ({@link Options#notifications()}: a third JVM, started only where it
 * is audited). Optionally the services reach SNS/SQS, or their databases, through a {@link
 * TcpProxy} the scenario can cut.
 *
 * <p>The services get a unique AWS secret key and database password: markers that must never show
 * up in their logs.
 */
final class SagaSystem implements AutoCloseable {
  static final String ORDER_QUEUE = "order-service";
  static final String CUSTOMER_QUEUE = "customer-service";
  static final String NOTIFICATION_QUEUE = "notification-service";
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Which dependencies the services reach through a proxy, and whether notification-service runs
   * (its queue fills unread otherwise: the topology subscribes it to both topics either way).
   */
  record Options(
      boolean awsProxy, boolean databaseProxy, Map<String, String> env, boolean notifications, boolean payloads,
      boolean twoInstances) {
    static final Options DIRECT = new Options(false, false);

    Options(boolean awsProxy, boolean databaseProxy) {
      this(awsProxy, databaseProxy, Map.of(), false, false, false);
    }

    /** Direct connections, and {@code env} added to both services' environment. */
    static Options withEnv(Map<String, String> env) {
      return new Options(false, false, Map.copyOf(env), false, false, false);
    }

    /** These options with notification-service started too (direct connections, same env). */
    Options withNotifications() {
      return new Options(awsProxy, databaseProxy, env, true, payloads, twoInstances);
    }

    /**
     * These options with a second instance of order-publisher and of customer-subscriber, each on
     * the same database schema and queue as the first (competing consumers, competing outbox
     * relays); the HTTP requests of {@link SagaSystem} alternate between the two instances.
     */
    Options withTwoInstances() {
      return new Options(awsProxy, databaseProxy, env, notifications, payloads, true);
    }

    /**
     * These options with the topology's payload bucket applied too (S3, under the scenario's
     * prefix) and given to every service as {@code PAYLOADS_BUCKET}: large events go through the
     * S3 claim-check.
     */
    Options withPayloads() {
      return new Options(awsProxy, databaseProxy, env, notifications, true, twoInstances);
    }
  }

  final String id;
  final AwsBackend aws = AwsBackend.shared();
  final Naming naming;
  final String orderSchema;
  final String customerSchema;
  /** The notification service's schema, null unless {@link Options#notifications()}. */
  final String notificationSchema;
  final String awsSecret;
  final String dbPassword;
  final Path logDir;
  final TcpProxy awsProxy;
  final TcpProxy orderDbProxy;
  final TcpProxy customerDbProxy;
  final ServiceProcess orders;
  final ServiceProcess customers;
  /** notification-service, null unless {@link Options#notifications()}. */
  final ServiceProcess notifications;
  /** The second order-publisher and customer-subscriber, null unless {@link Options#twoInstances()}. */
  final ServiceProcess orders2;
  final ServiceProcess customers2;
  private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
  /** The payload bucket's name, null unless {@link Options#payloads()}. */
  final String payloadBucket;
  private final TopologyApplier topology;
  private final Map<String, String> queueUrls = new HashMap<>();
  private S3Client s3;

  private SagaSystem(String scenario, Options options) {
    id = scenario + "-" + UUID.randomUUID().toString().substring(0, 6);
    naming = Naming.prefix("rel-" + id + "-");
    String schema = "rel_" + id.replace('-', '_');
    orderSchema = schema + "_orders";
    customerSchema = schema + "_customers";
    notificationSchema = options.notifications() ? schema + "_notifications" : null;
    boolean realKeys = System.getenv("AWS_ACCESS_KEY_ID") != null;
    awsSecret = realKeys ? System.getenv("AWS_SECRET_ACCESS_KEY") : "secret-" + UUID.randomUUID();
    dbPassword = "pw-" + UUID.randomUUID();
    logDir = Path.of("target", "reliability", id);
    TopologyApplier.Builder applier = TopologyApplier.builder()
        .topology(TopologyLoader.load(Path.of("..", "infra", "topology.yaml")))
        .sqs(aws.sqs()).sns(aws.sns()).naming(naming);
    payloadBucket = options.payloads() ? naming.physical("evently-payloads") : null;
    if (payloadBucket != null) {
      applier.s3(s3());
    }
    topology = applier.build();
    topology.apply();
    Postgres.execute("CREATE SCHEMA " + orderSchema);
    Postgres.execute("CREATE SCHEMA " + customerSchema);
    if (notificationSchema != null) {
      Postgres.execute("CREATE SCHEMA " + notificationSchema);
    }
    awsProxy = options.awsProxy() ? TcpProxy.start(aws.endpoint()) : null;
    orderDbProxy = options.databaseProxy() ? TcpProxy.start(Postgres.HOST, Postgres.PORT) : null;
    customerDbProxy = options.databaseProxy() ? TcpProxy.start(Postgres.HOST, Postgres.PORT) : null;
    URI endpoint = awsProxy != null ? awsProxy.endpoint() : aws.endpoint();
    Map<String, String> common = new HashMap<>();
    common.put("AWS_ENDPOINT_URL", endpoint.toString());
    common.put("AWS_REGION", aws.region().id());
    common.put("AWS_ACCESS_KEY_ID", realKeys ? System.getenv("AWS_ACCESS_KEY_ID") : "test");
    common.put("AWS_SECRET_ACCESS_KEY", awsSecret);
    if (realKeys && System.getenv("AWS_SESSION_TOKEN") != null) {
      common.put("AWS_SESSION_TOKEN", System.getenv("AWS_SESSION_TOKEN"));
    }
    if (payloadBucket != null) {
      common.put("PAYLOADS_BUCKET", payloadBucket);
    }
    common.putAll(options.env());
    Map<String, String> customerEnv = new HashMap<>(common);
    customerEnv.put("DATABASE_URL", Postgres.url(port(customerDbProxy), customerSchema, dbPassword));
    customerEnv.put("CUSTOMER_EVENTS_TOPIC", naming.physical("customer-events"));
    customerEnv.put("CUSTOMER_QUEUE", naming.physical(CUSTOMER_QUEUE));
    Map<String, String> orderEnv = new HashMap<>(common);
    orderEnv.put("DATABASE_URL", Postgres.url(port(orderDbProxy), orderSchema, dbPassword));
    orderEnv.put("ORDER_EVENTS_TOPIC", naming.physical("order-events"));
    orderEnv.put("ORDER_QUEUE", naming.physical(ORDER_QUEUE));
    customers = new ServiceProcess("customer-subscriber", ServiceProcess.jar("customer-subscriber"), customerEnv, logDir);
    orders = new ServiceProcess("order-publisher", ServiceProcess.jar("order-publisher"), orderEnv, logDir);
    customers2 = options.twoInstances()
        ? new ServiceProcess("customer-subscriber-2", ServiceProcess.jar("customer-subscriber"), customerEnv, logDir)
        : null;
    orders2 = options.twoInstances()
        ? new ServiceProcess("order-publisher-2", ServiceProcess.jar("order-publisher"), orderEnv, logDir)
        : null;
    if (notificationSchema != null) {
      Map<String, String> notificationEnv = new HashMap<>(common);
      notificationEnv.put("DATABASE_URL", Postgres.url(Postgres.PORT, notificationSchema, dbPassword));
      notificationEnv.put("NOTIFICATION_QUEUE", naming.physical(NOTIFICATION_QUEUE));
      notifications = new ServiceProcess("notification-service", ServiceProcess.jar("notification-service"),
          notificationEnv, logDir);
    } else {
      notifications = null;
    }
  }

  /** Applies the topology, creates the schemas and starts the services (healthy on return). */
  static SagaSystem start(String scenario, Options options) {
    SagaSystem system = new SagaSystem(scenario, options);
    try {
      if (system.notifications != null) {
        system.notifications.launch();   // the slowest to start: first
      }
      system.customers.launch();
      system.orders.launch();
      if (system.orders2 != null) {
        system.customers2.launch();
        system.orders2.launch();
      }
      system.customers.awaitHealthy();
      system.orders.awaitHealthy();
      if (system.orders2 != null) {
        system.customers2.awaitHealthy();
        system.orders2.awaitHealthy();
      }
      if (system.notifications != null) {
        system.notifications.awaitHealthy();
      }
      return system;
    } catch (RuntimeException | Error e) {
      system.close();
      throw e;
    }
  }

  private static int port(TcpProxy proxy) {
    return proxy != null ? proxy.port() : Postgres.PORT;
  }

  // ---- the services' HTTP APIs (alternating between the instances when there are two)

  private ServiceProcess orderApi() {
    return orders2 != null && requests.getAndIncrement() % 2 == 1 ? orders2 : orders;
  }

  private ServiceProcess customerApi() {
    return customers2 != null && requests.getAndIncrement() % 2 == 1 ? customers2 : customers;
  }

  /** Creates a customer with {@code creditLimit}; returns its id. */
  String createCustomer(String name, BigDecimal creditLimit) {
    Http.Reply r = Http.post(customerApi().url("/customers"),
        "{\"name\":\"" + name + "\",\"creditLimit\":" + creditLimit.toPlainString() + "}", HTTP_TIMEOUT);
    if (r.status() != 201) {
      throw new AssertionError("creating a customer failed: " + r);
    }
    return r.json().get("customerId").asText();
  }

  /** Creates {@code n} customers with credit limits between 500 and 2,000; id to limit. */
  Map<String, BigDecimal> createCustomers(int n) {
    Map<String, BigDecimal> limits = new HashMap<>();
    for (int i = 0; i < n; i++) {
      BigDecimal limit = BigDecimal.valueOf(500 + 100L * ThreadLocalRandom.current().nextInt(16)).setScale(2);
      limits.put(createCustomer("customer " + i, limit), limit);
    }
    return limits;
  }

  Http.Reply placeOrder(String customerId, BigDecimal total) {
    return Http.post(orderApi().url("/orders"),
        "{\"customerId\":\"" + customerId + "\",\"orderTotal\":" + total.toPlainString() + "}", HTTP_TIMEOUT);
  }

  /** Places an order with an {@code Idempotency-Key}: a retry with the same key creates nothing new. */
  Http.Reply placeOrder(String customerId, BigDecimal total, String idempotencyKey) {
    return Http.send(HttpRequest.newBuilder(orderApi().url("/orders")).timeout(HTTP_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"customerId\":\"" + customerId + "\",\"orderTotal\":" + total.toPlainString() + "}"))
        .build());
  }

  Http.Reply cancelOrder(String orderId) {
    return Http.post(orderApi().url("/orders/" + orderId + "/cancel"), "", HTTP_TIMEOUT);
  }

  Http.Reply order(String orderId) {
    return Http.get(orderApi().url("/orders/" + orderId), HTTP_TIMEOUT);
  }

  Http.Reply customer(String customerId) {
    return Http.get(customerApi().url("/customers/" + customerId), HTTP_TIMEOUT);
  }

  // ---- the queues and the bucket, straight on the backend (never through the proxy)

  /** An S3 client on the backend (path-style), built once, closed with the backend. */
  synchronized S3Client s3() {
    if (s3 == null) {
      s3 = aws.configure(S3Client.builder()).forcePathStyle(true).build();
    }
    return s3;
  }

  String queueUrl(String logical) {
    return queueUrls.computeIfAbsent(logical,
        q -> aws.sqs().getQueueUrl(r -> r.queueName(naming.physical(q))).queueUrl());
  }

  static String dlq(String logicalQueue) {
    return logicalQueue + "-dlq";
  }

  /** Visible, in-flight and delayed messages (approximate, as SQS reports them). */
  long depth(String logical) {
    return depthOfUrl(queueUrl(logical));
  }

  long depthOfUrl(String url) {
    Map<QueueAttributeName, String> a = aws.sqs().getQueueAttributes(r -> r.queueUrl(url)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
    return a.values().stream().mapToLong(Long::parseLong).sum();
  }

  /** Receives and deletes everything in a (dead-letter) queue, with all attributes. */
  List<Message> drain(String logical) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl(logical)).maxNumberOfMessages(10)
          .waitTimeSeconds(1).messageAttributeNames("All")
          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      aws.sqs().deleteMessageBatch(r -> r.queueUrl(queueUrl(logical)).entries(batch.stream()
          .map(m -> software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(batch.indexOf(m))).receiptHandle(m.receiptHandle()).build())
          .toList()));
    }
  }

  /**
   * Secrets found in the services' logs: the AWS secret key, the database password, SigV4
   * signatures, credentials in JDBC URLs. Empty is the only good answer.
   */
  List<String> leaks() {
    String logs = logs();
    List<String> found = new ArrayList<>();
    if (logs.contains(awsSecret)) {
      found.add("the AWS secret access key");
    }
    if (logs.contains(dbPassword)) {
      found.add("the database password");
    }
    for (String pattern : List.of("Signature=", "Credential=", "X-Amz-Security-Token", "password=")) {
      if (logs.contains(pattern) && !logs.contains(pattern + "***")) {
        found.add("'" + pattern + "'");
      }
    }
    return found;
  }

  /** Everything the services logged (all their incarnations). */
  String logs() {
    return orders.log() + customers.log() + (notifications != null ? notifications.log() : "")
        + (orders2 != null ? orders2.log() + customers2.log() : "");
  }

  @Override
  public void close() {
    if (notifications != null) {
      notifications.close();
    }
    customers.close();
    orders.close();
    if (orders2 != null) {
      customers2.close();
      orders2.close();
    }
    for (TcpProxy proxy : new TcpProxy[] {awsProxy, orderDbProxy, customerDbProxy}) {
      if (proxy != null) {
        proxy.close();
      }
    }
    try {
      topology.destroy(); // leaves the payload bucket (it holds data): moto's goes with it
      if (s3 != null) {
        s3.close();
      }
    } finally {
      Postgres.execute("DROP SCHEMA IF EXISTS " + orderSchema + " CASCADE");
      Postgres.execute("DROP SCHEMA IF EXISTS " + customerSchema + " CASCADE");
      if (notificationSchema != null) {
        Postgres.execute("DROP SCHEMA IF EXISTS " + notificationSchema + " CASCADE");
      }
    }
  }

  @Override
  public String toString() {
    return "SagaSystem[" + id + ", logs in " + logDir.toAbsolutePath() + "]";
  }
}
