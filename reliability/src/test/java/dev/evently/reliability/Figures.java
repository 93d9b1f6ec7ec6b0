package dev.evently.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The figures of each scenario run, appended as a Markdown table row to
 * {@code target/reliability/figures-<scale>.md} (the source of docs/RELIABILITY.md) and printed.
 */
final class Figures {
  static final Path FILE = Path.of("target", "reliability", "figures-" + Scale.name() + ".md");
  private static final String HEADER =
      "| case | load held | faults injected | bad inputs tried | lost | applied twice | checks | took |\n"
          + "| --- | --- | --- | --- | --- | --- | --- | --- |\n";

  private Figures() {}

  static void record(String scenario, String load, String faults, String badInputs, long lost, long twice,
      String checks, double seconds) {
    String row = "| " + scenario + " | " + load + " | " + faults + " | " + badInputs + " | " + lost + " | " + twice
        + " | " + checks + " | " + Math.round(seconds) + " s |\n";
    System.out.println("[reliability " + Scale.name() + " " + Instant.now() + "] " + row);
    try {
      Files.createDirectories(FILE.getParent());
      if (!Files.exists(FILE)) {
        Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
      }
      Files.writeString(FILE, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String states(SagaAudit.Report r) {
    StringBuilder b = new StringBuilder();
    r.ordersByState().forEach((state, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(state.toLowerCase()));
    return b.toString();
  }

  static String latency(SagaAudit.Report r) {
    return "saga p50 " + r.sagaP50Millis() + " ms, p95 " + r.sagaP95Millis() + " ms, max " + r.sagaMaxMillis() + " ms";
  }
}
