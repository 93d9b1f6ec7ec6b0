package dev.evently.infra.cli;

import dev.evently.topology.AwsAccount;
import dev.evently.topology.Change;
import dev.evently.topology.CloudFormationExporter;
import dev.evently.topology.IamPolicyGenerator;
import dev.evently.topology.Plan;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyApplier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands on the topology as a whole. */
final class TopologyCommands {
  private TopologyCommands() {}

  /** Shared plumbing: options, output, clients. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions options;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** Prints {@code text} to standard output, or writes it to {@code outFile} (creating its directory) when given. */
    Integer write(String text, Path outFile) throws IOException {
      if (outFile == null) {
        out().print(text);
        out().flush();
      } else {
        if (outFile.toAbsolutePath().getParent() != null) {
          Files.createDirectories(outFile.toAbsolutePath().getParent());
        }
        Files.writeString(outFile, text, StandardCharsets.UTF_8);
        err().println("wrote " + outFile);
        err().flush();
      }
      return InfraCommand.OK;
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    AwsClients clients() {
      return ((InfraCommand) spec.root().userObject()).clients(options);
    }

    TopologyApplier applier(AwsClients clients, Topology topology) {
      TopologyApplier.Builder b = TopologyApplier.builder().topology(topology).sqs(clients.sqs()).sns(clients.sns())
          .naming(options.naming());
      return (topology.payloads().isEmpty() ? b : b.s3(clients.s3())).build();
    }

    /** Prints a change as it is made, so that a failure part-way shows what was done. */
    void print(Change change) {
      change.lines().forEach(out()::println);
      out().flush();
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Show what apply would change: + create, ~ update (attribute: live -> file), - delete.",
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:nothing would change", "1:error", "2:there are changes"})
  static final class Plan extends Base {
    @Override
    public Integer call() {
      Topology topology = options.topology();
      try (AwsClients clients = clients()) {
        dev.evently.topology.Plan plan = applier(clients, topology).plan();
        out().print(plan.render());
        out().flush();
        return plan.isEmpty() ? InfraCommand.OK : InfraCommand.CHANGES;
      }
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Create and update topics, queues, DLQs, queue policies and subscriptions to match the file. "
          + "Idempotent, no prompt. Deletes only subscriptions between declared topics and queues that the file "
          + "no longer lists; queue policy statements written by others are kept.")
  static final class Apply extends Base {
    @Override
    public Integer call() {
      Topology topology = options.topology();
      try (AwsClients clients = clients()) {
        dev.evently.topology.Plan done = applier(clients, topology).apply(this::print);
        out().println(done.isEmpty() ? "No changes: the endpoint matches the topology."
            : "Applied " + done.changes().size() + " changes.");
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  @Command(name = "destroy", mixinStandardHelpOptions = true,
      description = "Delete the subscriptions, queues, DLQs and topics the file declares. Needs --yes.")
  static final class Destroy extends Base {
    @Option(names = "--yes", description = "Really delete (queues lose their messages).")
    boolean yes;

    @Override
    public Integer call() {
      Topology topology = options.topology();
      try (AwsClients clients = clients()) {
        TopologyApplier applier = applier(clients, topology);
        if (!yes) {
          out().print(applier.planDestroy().render());
          out().flush();
          err().println("error: destroy deletes the resources above and their messages; repeat with --yes");
          return InfraCommand.ERROR;
        }
        dev.evently.topology.Plan done = applier.destroy(this::print);
        out().println(done.isEmpty() ? "Nothing to delete." : "Deleted " + done.changes().size() + " resources.");
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = "Export the topology for other tools.",
      subcommands = {Export.CloudFormation.class, ExportAsyncApi.class})
  static final class Export implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      return InfraCommand.missingCommand(spec);
    }

    @Command(name = "cloudformation", mixinStandardHelpOptions = true,
        description = "A CloudFormation template (JSON) with the same topics, queues, DLQs, subscriptions and "
            + "queue policies as apply creates.")
    static final class CloudFormation extends Base {
      @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
      Path outFile;

      @Override
      public Integer call() throws IOException {
        String json = new CloudFormationExporter(options.topology(), options.naming()).json();
        return write(json, outFile);
      }
    }
  }

  @Command(name = "policy", mixinStandardHelpOptions = true,
      description = "The least-privilege IAM policy (JSON) for one service: publish on its topics, consume its "
          + "queues, send to their DLQs, use their KMS keys; nothing else.")
  static final class Policy extends Base {
    @Parameters(paramLabel = "SERVICE", description = "A service of the topology file.")
    String service;

    @Option(names = "--account-id", paramLabel = "ID",
        description = "The 12-digit AWS account; default: the caller's account (STS GetCallerIdentity).")
    String accountId;

    @Override
    public Integer call() {
      Topology topology = options.topology();
      try (AwsClients clients = clients()) {
        String account = accountId != null ? accountId : clients.sts().getCallerIdentity().account();
        AwsAccount where = AwsAccount.of(clients.region().id(), account);
        out().print(new IamPolicyGenerator(topology, options.naming(), where).json(service));
        out().flush();
        return InfraCommand.OK;
      }
    }
  }
}
