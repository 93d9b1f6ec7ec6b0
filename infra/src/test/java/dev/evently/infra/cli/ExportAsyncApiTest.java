package dev.evently.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.saga.events.SagaEvents;
import dev.evently.topology.Naming;
import dev.evently.topology.TopologyLoader;
import dev.evently.topology.asyncapi.AsyncApiExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code export asyncapi}: the exporter's document, to a file or standard output; no AWS calls. */
class ExportAsyncApiTest {
  @TempDir
  Path dir;

  @Test
  void writesTheDocumentOfTheTopologyFileWithTheNamePrefix() throws IOException {
    Path out = dir.resolve("api/asyncapi.json");
    StringWriter stdout = new StringWriter();
    CommandLine cli = InfraCommand.commandLine((endpoint, region) -> {
      throw new AssertionError("export needs no AWS clients");
    });
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));

    assertThat(cli.execute("export", "asyncapi", "--file", "topology.yaml", "--name-prefix", "staging-", "--out", out.toString()))
        .isEqualTo(0);

    String expected = new AsyncApiExporter(TopologyLoader.load(Path.of("topology.yaml")), Naming.prefix("staging-"),
        SagaEvents.TYPES).json();
    assertThat(Files.readString(out)).isEqualTo(expected).contains("\"address\" : \"staging-order-events\"");
    assertThat(cli.execute("export", "asyncapi", "--file", "topology.yaml", "--name-prefix", "staging-")).isEqualTo(0);
    assertThat(stdout.toString()).isEqualTo(expected);
  }
}
