package dev.evently.infra.cli;

import dev.evently.topology.Topology;
import dev.evently.topology.console.ConsoleServer;
import dev.evently.topology.console.OldestMessageAges;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/** {@code console [--port N] [--bind ADDRESS]}: the ops console until Ctrl-C. */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = "A small web console: the topology as a graph, live queue depths, and DLQ peek, filtered "
        + "redrive and purge. Runs until interrupted (Ctrl-C). Binds to 127.0.0.1 unless --bind says otherwise; "
        + "changing actions need the page's per-session token.")
final class ConsoleCommand extends TopologyCommands.Base {
  @Option(names = "--port", paramLabel = "N", defaultValue = "8090", description = "The port (default ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to listen on (default ${DEFAULT-VALUE}). Anything else exposes DLQ contents and actions "
          + "to that network: only behind your own access control.")
  String bind;

  @Override
  public Integer call() throws InterruptedException {
    Topology topology = options.topology();
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind: not an address of this machine");
    }
    try (AwsClients clients = clients(); CloudWatchClient cloudWatch = cloudWatch(clients)) {
      OldestMessageAges ages = OldestMessageAges.cloudWatch(cloudWatch, Duration.ofSeconds(60), Clock.systemUTC());
      CountDownLatch stopped = new CountDownLatch(1);
      try (ConsoleServer server = ConsoleServer.start(clients.sqs(), topology, options.naming(), ages, address, port)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "console-stop"));
        out().println("evently console on " + server.url() + " (Ctrl-C stops it)");
        out().flush();
        stopped.await();
      }
      return InfraCommand.OK;
    }
  }

  private CloudWatchClient cloudWatch(AwsClients clients) {
    CloudWatchClientBuilder b = CloudWatchClient.builder().region(clients.region());
    if (options.endpointUrl != null) {
      b.endpointOverride(options.endpointUrl);
    }
    return b.build();
  }
}
