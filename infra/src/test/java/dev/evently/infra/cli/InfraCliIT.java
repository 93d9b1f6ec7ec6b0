package dev.evently.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.AwsBackend;
import dev.evently.event.EventAttributes;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.topology.dlq.DeadLetter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The CLI in-process, on the shared backend: exit codes and output of every command. */
@LocalAws
class InfraCliIT {
  private final AwsBackend backend;
  private final SqsClient sqs;
  private final AwsFixtures fixtures;
  private String prefix;
  private StringWriter out;
  private StringWriter err;
  @TempDir
  Path dir;

  InfraCliIT(AwsBackend backend, SqsClient sqs, AwsFixtures fixtures) {
    this.backend = backend;
    this.sqs = sqs;
    this.fixtures = fixtures;
  }

  @BeforeEach
  void uniquePrefix(TestNames names) {
    prefix = names.queue("c") + "-";
  }

  @Test
  void planExitsTwoWithChangesAndZeroWithoutAndShowsExactlyOneChangedAttribute() throws IOException {
    assertThat(infra("plan")).isEqualTo(2);
    assertThat(out.toString()).endsWith("Plan: 16 to create, 0 to update, 0 to delete.\n");

    assertThat(infra("apply")).isEqualTo(0);
    assertThat(out.toString()).contains("+ create queue " + prefix + "customer-service\n").contains("+ create payload bucket " + prefix + "evently-payloads\n").endsWith("Applied 16 changes.\n");
    assertThat(infra("plan")).isEqualTo(0);
    assertThat(out.toString()).isEqualTo("No changes: the endpoint matches the topology.\n");
    assertThat(infra("apply")).isEqualTo(0);
    assertThat(out.toString()).isEqualTo("No changes: the endpoint matches the topology.\n");

    Path changed = dir.resolve("topology.yaml");
    Files.writeString(changed, Files.readString(Path.of("topology.yaml")).replace("maxReceiveCount: 5", "maxReceiveCount: 7"));
    assertThat(infraWith(changed, "plan")).isEqualTo(2);
    assertThat(out.toString()).isEqualTo(
        "~ update queue " + prefix + "order-service: RedrivePolicy.maxReceiveCount 5 -> 7\n"
            + "~ update queue " + prefix + "customer-service: RedrivePolicy.maxReceiveCount 5 -> 7\n"
            + "~ update queue " + prefix + "notification-service: RedrivePolicy.maxReceiveCount 5 -> 7\n"
            + "Plan: 0 to create, 3 to update, 0 to delete.\n");
    assertThat(infraWith(changed, "apply")).isEqualTo(0);
    assertThat(infraWith(changed, "plan")).isEqualTo(0);

    assertThat(infra("destroy")).as("destroy without --yes").isEqualTo(1);
    assertThat(err.toString()).contains("repeat with --yes");
    assertThat(infra("plan")).as("nothing was deleted").isEqualTo(2);
    assertThat(out.toString()).endsWith("Plan: 0 to create, 3 to update, 0 to delete.\n");
    assertThat(infra("destroy", "--yes")).isEqualTo(0);
    assertThat(out.toString()).endsWith("Deleted 12 resources.\n");
    assertThat(infra("plan")).isEqualTo(2);
    // the payload bucket stays: destroy never deletes data
    assertThat(out.toString()).endsWith("Plan: 15 to create, 0 to update, 0 to delete.\n");
  }

  @Test
  void badTopologyFileExitsOneNamingFileLineAndField() {
    Path bad = Path.of("src/test/resources/bad/visibility-timeout-out-of-range.yaml");

    assertThat(infraWith(bad, "plan")).isEqualTo(1);

    assertThat(err.toString()).isEqualTo(bad + ":7:28: field 'services.customer-service.queues[0].visibilityTimeout': "
        + "must be between 0 and 43200 seconds, was 50000\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void usageErrorsExitOne() {
    assertThat(infra("plan", "--no-such-option")).isEqualTo(1);
    assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
    assertThat(infra("dlq", "redrive", "customer-service-dlq", "--since", "yesterday")).isEqualTo(1);
    assertThat(err.toString()).contains("'yesterday' is not a time");
    assertThat(run()).as("no command").isEqualTo(1);
    assertThat(err.toString()).startsWith("error: missing command").contains("Usage: infra");
    assertThat(run("dlq")).isEqualTo(1);
    assertThat(infra("dlq", "peek", "billing")).isEqualTo(1);
    assertThat(err.toString()).contains("no dead-letter queue 'billing'");
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(InfraCommand.commandLine((e, r) -> new LocalClients(backend)), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThanOrEqualTo(12);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      assertThat(run(args.toArray(String[]::new))).as("%s", args).isEqualTo(0);
      assertThat(out.toString()).as("%s", args).startsWith("Usage: infra");
    }
  }

  @Test
  void exportWritesTheApprovedTemplate() throws IOException {
    Path template = dir.resolve("out/template.json");

    assertThat(run("export", "cloudformation", "--file", "topology.yaml", "--out", template.toString())).isEqualTo(0);

    assertThat(Files.readString(template)).isEqualTo(Files.readString(Path.of("src/test/resources/approved/cloudformation.json")));
    assertThat(run("export", "cloudformation", "--file", "topology.yaml")).isEqualTo(0);
    assertThat(out.toString()).isEqualTo(Files.readString(template));
  }

  @Test
  void policyUsesTheCallersAccountAndRegion() {
    assertThat(infra("policy", "order-service")).isEqualTo(0);

    String arn = "arn:aws:sns:" + backend.region().id() + ":123456789012:" + prefix + "order-events";
    assertThat(out.toString()).contains("\"" + arn + "\"").doesNotContain("\"*\"").doesNotContain("customer-events");
    assertThat(infra("policy", "billing-service")).isEqualTo(1);
    assertThat(err.toString()).contains("unknown service 'billing-service'");
  }

  @Test
  void dlqCommandsListPeekRedriveByTypeAndPurge() {
    assertThat(infra("apply")).isEqualTo(0);
    String dlq = sqs.getQueueUrl(r -> r.queueName(prefix + "customer-service-dlq")).queueUrl();
    String source = sqs.getQueueUrl(r -> r.queueName(prefix + "customer-service")).queueUrl();
    deadLetter(dlq, "OrderCreated");
    deadLetter(dlq, "OrderCancelled");
    deadLetter(dlq, "OrderCreated");
    int before = fixtures.approximateDepth(dlq) + fixtures.approximateDepth(source);

    assertThat(infra("dlq", "list")).isEqualTo(0);
    assertThat(out.toString()).containsPattern(prefix + "customer-service-dlq +" + prefix + "customer-service +3 +0\n");
    assertThat(infra("dlq", "peek", "customer-service-dlq")).isEqualTo(0);
    assertThat(out.toString()).contains("reason:    HANDLER_REJECTED", "type:      OrderCancelled",
        "error:     com.example.Boom: no credit", "3 message(s) shown.");
    assertThat(fixtures.approximateDepth(dlq)).isEqualTo(3);

    assertThat(infra("dlq", "redrive", "customer-service", "--type", "OrderCreated", "--rate", "1000")).isEqualTo(0);
    assertThat(out.toString()).endsWith("Moved 2 of 3 message(s) looked at; 1 left in the DLQ.\n");
    assertThat(fixtures.approximateDepth(source)).isEqualTo(2);
    assertThat(fixtures.approximateDepth(dlq)).isEqualTo(1);
    assertThat(fixtures.approximateDepth(dlq) + fixtures.approximateDepth(source)).isEqualTo(before);

    assertThat(infra("dlq", "purge", "customer-service-dlq")).isEqualTo(1);
    assertThat(fixtures.approximateDepth(dlq)).isEqualTo(1);
    assertThat(infra("dlq", "purge", "customer-service-dlq", "--yes")).isEqualTo(0);
    assertThat(fixtures.approximateDepth(dlq)).isZero();
  }

  private void deadLetter(String dlq, String type) {
    Map<String, MessageAttributeValue> a = Map.of(
        "event-type", string(type),
        EventAttributes.DLQ_REASON, string("HANDLER_REJECTED"),
        EventAttributes.DLQ_ERROR_CLASS, string("com.example.Boom"),
        EventAttributes.DLQ_ERROR_MESSAGE, string("no credit"));
    sqs.sendMessage(r -> r.queueUrl(dlq).messageBody("{\"specversion\":\"1.0\",\"type\":\"" + type + "\"}")
        .messageAttributes(a));
  }

  private static MessageAttributeValue string(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }

  private int infra(String... args) {
    return infraWith(Path.of("topology.yaml"), args);
  }

  private int infraWith(Path file, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--file", file.toString(), "--name-prefix", prefix));
    return run(all.toArray(String[]::new));
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = InfraCommand.commandLine((endpoint, region) -> new LocalClients(backend));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> paths) {
    paths.add(path);
    cl.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> p = new ArrayList<>(path);
        p.add(name);
        collect(sub, p, paths);
      }
    });
  }
}
