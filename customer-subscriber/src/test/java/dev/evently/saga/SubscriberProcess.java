package dev.evently.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.localstack.AwsBackend;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.testing.JsonHttp;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The real customer-subscriber jar in its own process, with its output appended to {@code
 * customer-subscriber.log} in a directory; for the tests that SIGKILL it.
 */
final class SubscriberProcess {
  static final Path JAR = Path.of("target", "app", "customer-subscriber.jar"); // extracted in the package phase

  private final Path dir;

  SubscriberProcess(Path dir) {
    this.dir = dir;
  }

  /** The environment of a subscriber on {@code topology} listening on {@code port}, logging at WARN. */
  static Map<String, String> env(AwsBackend aws, SagaTopology topology, int port, String databaseUrl) {
    AwsCredentials credentials = aws.credentials().resolveCredentials();
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", Integer.toString(port));
    env.put("DATABASE_URL", databaseUrl);
    env.put("CUSTOMER_EVENTS_TOPIC", topology.physical(SagaEvents.CUSTOMER_EVENTS_TOPIC));
    env.put("CUSTOMER_QUEUE", topology.physical(SagaEvents.CUSTOMER_QUEUE));
    env.put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    env.put("AWS_REGION", aws.region().id());
    env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    env.put("LOG_LEVEL", "WARN");
    return env;
  }

  /** Starts the jar with {@code env} and waits until its {@code /health} answers 200. */
  Process start(Map<String, String> env) throws IOException {
    assertThat(JAR).as("the extracted jar (built in the package phase)").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "customer-subscriber.log")));
    builder.environment().putAll(env);
    Process process = builder.start();
    JsonHttp api = new JsonHttp(() -> Integer.parseInt(env.get("HTTP_PORT")));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(process.isAlive()).as("customer-subscriber exited: " + log()).isTrue();
      try {
        return api.get("/health").statusCode() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return process;
  }

  /** SIGKILLs {@code process} and waits for it to be gone. */
  static void kill(Process process) throws InterruptedException {
    process.destroyForcibly().waitFor();
    assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
  }

  /** Everything the processes wrote so far. */
  String log() throws IOException {
    Path log = dir.resolve("customer-subscriber.log");
    return Files.exists(log) ? Files.readString(log) : "(no log)";
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
