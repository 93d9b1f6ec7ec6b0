package dev.evently.infra.cli;

import dev.evently.topology.TopologyException;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;

/**
 * {@code java -jar infra/target/infra.jar <command>}: the topology as code. Exit codes: 0 done (or,
 * for {@code plan}, nothing to change), 2 {@code plan} found changes, 1 any error.
 */
@Command(name = "infra", mixinStandardHelpOptions = true, version = "evently infra 0.1.0",
    description = "Plan, apply and destroy the SNS/SQS topology of infra/topology.yaml, export it as "
        + "CloudFormation, generate least-privilege IAM policies and repair dead-letter queues.%n"
        + "Endpoint, region and credentials come from the AWS SDK's chain (AWS_ENDPOINT_URL, AWS_REGION, ...).",
    subcommands = {TopologyCommands.Plan.class, TopologyCommands.Apply.class, TopologyCommands.Destroy.class,
        TopologyCommands.Export.class, TopologyCommands.Policy.class, DlqCommands.class, ConsoleCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:success; for plan: nothing would change", "1:error", "2:plan: there are changes"})
public final class InfraCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int CHANGES = 2;

  private final AwsClients.Factory clients;

  @Spec
  CommandSpec spec;

  /** The CLI on clients made by {@code clients} (tests pass clients of a local backend). */
  public InfraCommand(AwsClients.Factory clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI with clients from the SDK's chain and returns the exit code. */
  public static int run(String... args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    return commandLine(AwsClients::sdk).execute(args);
  }

  /** A configured picocli command line; set its out/err writers to capture output. */
  public static CommandLine commandLine(AwsClients.Factory clients) {
    CommandLine cl = new CommandLine(new InfraCommand(clients));
    cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof TopologyException) {
        err.println(e.getMessage());
      } else if (e instanceof SdkException) {
        err.println("error: AWS call failed: " + e.getMessage());
      } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        err.println("error: " + e.getMessage());
      } else {
        e.printStackTrace(err);
      }
      err.flush();
      return ERROR;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("error: " + e.getMessage());
      cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
      cmd.getErr().flush();
      return ERROR;
    });
    return cl;
  }

  AwsClients clients(CommonOptions options) {
    return clients.create(options.endpointUrl, options.region == null ? null : Region.of(options.region));
  }

  /** Without a command: usage on standard error, exit 1. */
  @Override
  public Integer call() {
    return missingCommand(spec);
  }

  static int missingCommand(CommandSpec spec) {
    spec.commandLine().getErr().println("error: missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ERROR;
  }
}
