package dev.evently.service.testing;

import dev.evently.localstack.AwsBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/** Properties and helpers for running a reference service in-process in a test. */
public final class Services {
  private Services() {}

  /**
   * A free port, the test's SNS/SQS backend ({@code evently.aws.*}), a fresh in-memory H2 database
   * and 1 s long polls on {@code queue}: add or override the service's own names (topic, queue).
   */
  public static Map<String, Object> inProcess(AwsBackend backend, String queue) {
    AwsCredentials credentials = backend.credentials().resolveCredentials();
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", 0);
    properties.put("spring.datasource.url", h2Memory());
    properties.put("evently.aws.endpoint", backend.endpoint());
    properties.put("evently.aws.region", backend.region().id());
    properties.put("evently.aws.access-key-id", credentials.accessKeyId());
    properties.put("evently.aws.secret-access-key", credentials.secretAccessKey());
    properties.put("evently.consumers." + queue + ".wait-time", "1s");
    return properties;
  }

  /** A new in-memory H2 database's URL (kept while the JVM runs; the services' lock timeout). */
  public static String h2Memory() {
    return "jdbc:h2:mem:service-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
  }

  /** The HTTP port a started service listens on. */
  public static int port(ConfigurableApplicationContext service) {
    return ((WebServerApplicationContext) service).getWebServer().getPort();
  }
}
