package dev.evently.infra.cli;

import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyLoader;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: which topology file, how names map to AWS, where AWS is. */
final class CommonOptions {

  @Option(names = "--file", paramLabel = "PATH", defaultValue = "infra/topology.yaml",
      description = "The topology file (default: ${DEFAULT-VALUE}, relative to the working directory).")
  Path file;

  @Option(names = "--name-prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "Put before every topic and queue name, e.g. an environment: --name-prefix staging-")
  String namePrefix;

  @Option(names = "--name-suffix", paramLabel = "SUFFIX", defaultValue = "",
      description = "Put after every topic and queue name (before .fifo).")
  String nameSuffix;

  @Option(names = "--endpoint-url", paramLabel = "URL",
      description = "Use this endpoint instead of the SDK's (AWS_ENDPOINT_URL); like the AWS CLI's option.")
  URI endpointUrl;

  @Option(names = "--region", paramLabel = "REGION",
      description = "Use this region instead of the SDK's (AWS_REGION, profile).")
  String region;

  Topology topology() {
    return TopologyLoader.load(file);
  }

  Naming naming() {
    return new Naming(namePrefix, nameSuffix);
  }
}
