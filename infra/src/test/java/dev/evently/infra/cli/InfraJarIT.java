package dev.evently.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.evently.topology.Naming;
import dev.evently.topology.TopologyApplier;
import dev.evently.topology.TopologyLoader;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The shaded {@code target/infra.jar} as a user runs it: a separate JVM that finds the endpoint,
 * region and credentials through the SDK's chain ({@code AWS_ENDPOINT_URL} ...).
 */
@LocalAws
class InfraJarIT {
  private static final Path JAR = Path.of("target/infra.jar");

  @Test
  void jarPlansAppliesAndDestroysThroughTheSdkChain(AwsBackend backend, TestNames names)
      throws IOException, InterruptedException {
    assertThat(JAR).as("built by the package phase").exists();
    String prefix = names.queue("j") + "-";

    Result apply = run(backend, "apply", "--file", "topology.yaml", "--name-prefix", prefix);
    assertThat(apply.exit).as(apply.output).isEqualTo(0);
    assertThat(apply.output).contains("+ create payload bucket " + prefix + "evently-payloads", "Applied 16 changes.");
    Result plan = run(backend, "plan", "--file", "topology.yaml", "--name-prefix", prefix);
    assertThat(plan.exit).as(plan.output).isEqualTo(0);
    TopologyApplier.builder().topology(TopologyLoader.load(Path.of("topology.yaml"))).sqs(backend.sqs())
        .sns(backend.sns()).naming(Naming.prefix(prefix)).build().destroy();
  }

  private record Result(int exit, String output) {}

  private static Result run(AwsBackend backend, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    AwsCredentials credentials = backend.credentials().resolveCredentials();
    Map<String, String> env = pb.environment();
    env.put("AWS_ENDPOINT_URL", backend.endpoint().toString());
    env.put("AWS_REGION", backend.region().id());
    env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    Path output = Files.createTempFile("infra-jar", ".log");
    pb.redirectOutput(output.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("infra.jar did not finish in 60 s: " + command);
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    Files.delete(output);
    return new Result(p.exitValue(), text);
  }
}
