package dev.evently.infra.cli;

import dev.evently.topology.dlq.Ages;
import dev.evently.topology.dlq.DeadLetter;
import dev.evently.topology.dlq.DeadLetters;
import dev.evently.topology.dlq.DlqStatus;
import dev.evently.topology.dlq.RedriveOptions;
import dev.evently.topology.dlq.RedriveResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dlq list | peek | redrive | purge}. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "Inspect and repair dead-letter queues. QUEUE is a DLQ (customer-service-dlq) or the queue it "
        + "serves (customer-service), as named in the topology file.",
    subcommands = {DlqCommands.ListDlqs.class, DlqCommands.Peek.class, DlqCommands.Redrive.class,
        DlqCommands.Purge.class})
final class DlqCommands implements Callable<Integer> {
  private static final int BODY_PREVIEW = 500;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    return InfraCommand.missingCommand(spec);
  }

  abstract static class DlqBase extends TopologyCommands.Base {
    DeadLetters deadLetters(AwsClients clients) {
      return new DeadLetters(clients.sqs(), options.topology(), options.naming());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every DLQ with its depth.")
  static final class ListDlqs extends DlqBase {
    @Override
    public Integer call() {
      try (AwsClients clients = clients()) {
        List<DlqStatus> all = deadLetters(clients).list();
        int width = Math.max(3, all.stream().mapToInt(s -> s.dlq().length()).max().orElse(3));
        int sourceWidth = Math.max(6, all.stream().mapToInt(s -> s.sourceQueue().length()).max().orElse(6));
        String format = "%-" + width + "s  %-" + sourceWidth + "s  %8s  %9s%n";
        out().printf(format, "DLQ", "SOURCE", "MESSAGES", "IN-FLIGHT");
        for (DlqStatus s : all) {
          out().printf(format, s.dlq(), s.sourceQueue(), s.exists() ? s.visible() : "missing",
              s.exists() ? s.inFlight() : "-");
        }
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  @Command(name = "peek", mixinStandardHelpOptions = true,
      description = "Show messages with their failure reasons without consuming them (they are made visible "
          + "again; their receive count goes up).")
  static final class Peek extends DlqBase {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @Option(names = "--max", paramLabel = "N", defaultValue = "10", description = "At most N messages (default ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
      try (AwsClients clients = clients()) {
        List<DeadLetter> letters = deadLetters(clients).peek(queue, max);
        for (DeadLetter d : letters) {
          out().println("message " + d.messageId());
          out().println("  type:      " + d.eventType().orElse("(unknown)"));
          out().println("  reason:    " + d.reason());
          d.errorClass().ifPresent(v -> out().println("  error:     " + v + d.errorMessage().map(m -> ": " + m).orElse("")));
          d.failedAt().ifPresent(v -> out().println("  failed at: " + v));
          d.attempts().ifPresent(v -> out().println("  attempts:  " + v));
          d.sourceQueueUrl().ifPresent(v -> out().println("  source:    " + v));
          if (!d.attributes().isEmpty()) {
            out().println("  attributes: " + d.attributes());
          }
          String body = d.body().length() > BODY_PREVIEW ? d.body().substring(0, BODY_PREVIEW) + "..." : d.body();
          out().println("  body:      " + body);
        }
        out().println(letters.size() + " message(s) shown.");
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  @Command(name = "redrive", mixinStandardHelpOptions = true,
      description = "Move messages back to their source queue (dlq-source-queue, else the queue this DLQ serves), "
          + "keeping body and attributes and dropping the dlq-* attributes. Sends before it deletes: an "
          + "interrupted redrive loses nothing.")
  static final class Redrive extends DlqBase {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @Option(names = "--type", paramLabel = "T", description = "Only events of type T (event-type attribute or the CloudEvent's type).")
    String type;

    @Option(names = "--reason", paramLabel = "R",
        description = "Only messages with dlq-reason R, e.g. HANDLER_REJECTED; MAX_RECEIVES_EXCEEDED selects those the redrive policy moved.")
    String reason;

    @Option(names = "--since", paramLabel = "TIME", converter = SinceConverter.class,
        description = "Only messages that failed at or after TIME: an instant (2026-01-31T12:00:00Z), a date (2026-01-31, UTC) or an age (90m, 2h, 3d).")
    Instant since;

    @Option(names = "--limit", paramLabel = "N", description = "Move at most N messages.")
    Integer limit;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "50", description = "At most R messages per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() {
      RedriveOptions.Builder b = RedriveOptions.builder().ratePerSecond(rate);
      if (type != null) {
        b.type(type);
      }
      if (reason != null) {
        b.reason(reason);
      }
      if (since != null) {
        b.since(since);
      }
      if (limit != null) {
        b.limit(limit);
      }
      RedriveOptions redrive = b.build();
      try (AwsClients clients = clients()) {
        RedriveResult r = deadLetters(clients).redrive(queue, redrive, d -> {
          out().println("moved " + d.messageId() + " (" + d.eventType().orElse("unknown type") + ", " + d.reason() + ")");
          out().flush();
        });
        out().println("Moved " + r.moved() + " of " + r.scanned() + " message(s) looked at; " + r.skipped()
            + " left in the DLQ.");
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete every message of a DLQ. Needs --yes.")
  static final class Purge extends DlqBase {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @Option(names = "--yes", description = "Really delete the messages.")
    boolean yes;

    @Override
    public Integer call() {
      if (!yes) {
        err().println("error: purge deletes every message of " + queue + "; repeat with --yes");
        return InfraCommand.ERROR;
      }
      try (AwsClients clients = clients()) {
        long purged = deadLetters(clients).purge(queue);
        out().println("Purged about " + purged + " message(s) from " + queue + ".");
        out().flush();
        return InfraCommand.OK;
      }
    }
  }

  /** An instant, a UTC date, or an age such as {@code 90m}, {@code 2h}, {@code 3d}, {@code PT2H}. */
  static final class SinceConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
      String v = value.trim();
      Optional<Duration> age = Ages.parse(v);
      if (age.isPresent()) {
        return Instant.now().minus(age.get());
      }
      try {
        if (v.startsWith("P") || v.startsWith("p")) {
          return Instant.now().minus(Duration.parse(v));
        }
        if (v.length() == 10) {
          return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + value
            + "' is not a time: use an instant (2026-01-31T12:00:00Z), a date (2026-01-31) or an age (90m, 2h, 3d)");
      }
    }
  }
}
