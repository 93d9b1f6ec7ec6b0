package dev.evently.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar otlp-receiver.jar serve --port P --out spans.jsonl} receives traces until
 * stopped; {@code java -jar otlp-receiver.jar waterfall --file spans.jsonl --trace ID} prints one
 * trace from that file as a waterfall, once its spans have stopped arriving.
 */
@Command(
    name = "otlp-receiver",
    mixinStandardHelpOptions = true,
    subcommands = {OtlpReceiverMain.Serve.class, OtlpReceiverMain.Show.class},
    description = "A small OTLP/HTTP trace receiver for the demo and tests.")
public final class OtlpReceiverMain {
  public static void main(String[] args) {
    System.exit(new CommandLine(new OtlpReceiverMain()).execute(args));
  }

  @Command(name = "serve", description = "Receive OTLP/HTTP traces on 127.0.0.1 and append them to a file as JSON lines.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", required = true, description = "the port (0: any free port)")
    int port;

    @Option(names = "--out", required = true, description = "the JSON-lines file to append spans to")
    Path out;

    @Override
    public Integer call() throws InterruptedException {
      OtlpReceiver receiver = OtlpReceiver.start(port, out);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        receiver.close();
        stopped.countDown();
      }));
      System.out.println("OTLP/HTTP receiver on " + receiver.endpoint());
      stopped.await();
      return 0;
    }
  }

  @Command(name = "waterfall", description = "Print one trace of a spans file as an indented waterfall.")
  static final class Show implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--file", required = true, description = "the JSON-lines file written by serve")
    Path file;

    @Option(names = "--trace", required = true, description = "the trace id (32 hex digits)")
    String traceId;

    @Option(names = "--wait-seconds", defaultValue = "15", description = "how long to wait for the trace's spans to stop arriving")
    int waitSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
      List<ReceivedSpan> trace = read();
      long stableSince = System.nanoTime();
      while (System.nanoTime() < deadline && (trace.isEmpty() || System.nanoTime() - stableSince < 2_000_000_000L)) {
        Thread.sleep(250); // polling a file another process appends to
        List<ReceivedSpan> now = read();
        if (now.size() != trace.size()) {
          stableSince = System.nanoTime();
        }
        trace = now;
      }
      if (trace.isEmpty()) {
        System.err.println("no spans of trace " + traceId + " in " + file);
        return 1;
      }
      System.out.print(Waterfall.render(trace));
      return 0;
    }

    private List<ReceivedSpan> read() throws IOException {
      List<ReceivedSpan> spans = new ArrayList<>();
      if (!Files.exists(file)) {
        return spans;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && line.contains(traceId)) {
          ReceivedSpan span = JSON.readValue(line, ReceivedSpan.class);
          if (span.traceId().equals(traceId)) {
            spans.add(span);
          }
        }
      }
      return spans;
    }
  }
}
