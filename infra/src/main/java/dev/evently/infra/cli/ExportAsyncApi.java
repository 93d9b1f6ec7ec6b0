package dev.evently.infra.cli;

import dev.evently.saga.events.SagaEvents;
import dev.evently.topology.asyncapi.AsyncApiExporter;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export asyncapi [--out FILE]}: the topology as an AsyncAPI 3.0 document. */
@Command(name = "asyncapi", mixinStandardHelpOptions = true,
    description = "An AsyncAPI 3.0 document (JSON): channels for the topics and queues, send/receive operations per "
        + "service, and per registered event type (the saga events) a CloudEvents message with the JSON Schema of its data.")
final class ExportAsyncApi extends TopologyCommands.Base {
  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    String json = new AsyncApiExporter(options.topology(), options.naming(), SagaEvents.TYPES).json();
    return write(json, outFile);
  }
}
