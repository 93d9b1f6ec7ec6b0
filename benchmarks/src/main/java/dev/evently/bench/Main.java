package dev.evently.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Entry point of every benchmark JVM: {@code Main <benchmark> <variant> [--key value ...]}. Each
 * run prints one {@code RESULT {json}} line. {@code benchmarks/run.sh} starts one fresh JVM per
 * run and aggregates with {@code Main report}.
 *
 * <pre>
 * elasticmq &lt;port&gt; [--warmup N]                    ElasticMQ server JVM
 * b6 &lt;relay-K&gt; --endpoint MOTO --messages N --warmup M       (K outbox relays on one PostgreSQL table)
 * b6lat &lt;relay-1&gt; --endpoint MOTO --messages N --warmup M --rate R   (commit-to-publish, writer in another JVM)
 * b6writer &lt;schema&gt; --messages N --rate R                     (that writer)
 * b1 &lt;raw-wW|sca-N|ours-N&gt; --endpoint URL --messages N --warmup M
 * b2 &lt;raw-pN|sca-N|ours-N&gt; --endpoint URL --messages N --warmup M   (20 ms handler; B5 memory)
 * b3 &lt;sequential|raw-batch-C|ours&gt; --endpoint MOTO --messages N --warmup M
 * b4ack &lt;raw-w1|sca-10|ours-10&gt; --endpoint URL --batches B --per-batch K --gap-ms G
 * b4e2e &lt;raw|ours&gt; --endpoint MOTO --messages N --rate R
 * b4stop &lt;sca-10|ours-10&gt; --endpoint URL
 * same-held &lt;concurrency&gt;                       prints the raw-wW variant holding as many messages as ours
 * report &lt;results.jsonl&gt; &lt;results.json&gt; &lt;chart.png&gt; &lt;mode&gt;
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Main <benchmark> <variant|args> [--key value ...]");
      System.exit(2);
    }
    String bench = args[0];
    Map<String, String> opts = options(args);
    Result result;
    switch (bench) {
      case "elasticmq":
        ElasticMq.serve(Integer.parseInt(args[1]), intOpt(opts, "warmup", 20_000));
        return;
      case "same-held":
        System.out.println(Report.sameHeldRawVariant(Integer.parseInt(args[1])));
        return;
      case "report":
        Report.write(args[1], args[2], args[3], args.length > 4 ? args[4] : "full");
        return;
      case "b1":
        result =
            ConsumerBench.throughput(
                "b1", args[1], opts.get("endpoint"), intOpt(opts, "warmup", 2000), intOpt(opts, "messages", 20_000), 0, false);
        break;
      case "b2":
        result =
            ConsumerBench.throughput(
                "b2", args[1], opts.get("endpoint"), intOpt(opts, "warmup", 2000), intOpt(opts, "messages", 20_000), 20, true);
        break;
      case "b3":
        result =
            PublisherBench.throughput(
                args[1], opts.get("endpoint"), intOpt(opts, "warmup", 200), intOpt(opts, "messages", 2000));
        break;
      case "b4ack":
        result =
            ConsumerBench.ackLatency(
                args[1], opts.get("endpoint"), intOpt(opts, "batches", 60), intOpt(opts, "per-batch", 3), intOpt(opts, "gap-ms", 50));
        break;
      case "b4e2e":
        result =
            PublisherBench.endToEnd(args[1], opts.get("endpoint"), intOpt(opts, "messages", 200), intOpt(opts, "rate", 20));
        break;
      case "b4stop":
        result = ConsumerBench.idleShutdown(args[1], opts.get("endpoint"));
        break;
      case "b6":
        result =
            OutboxBench.throughput(args[1], opts.get("endpoint"), intOpt(opts, "warmup", 500), intOpt(opts, "messages", 5000));
        break;
      case "b6lat":
        result =
            OutboxBench.latency(
                args[1], opts.get("endpoint"), intOpt(opts, "warmup", 20), intOpt(opts, "messages", 200), intOpt(opts, "rate", 10));
        break;
      case "b6writer":
        OutboxBench.writer(args[1], intOpt(opts, "messages", 200), intOpt(opts, "rate", 10));
        return;
      default:
        throw new IllegalArgumentException("unknown benchmark: " + bench);
    }
    result.print();
    // A JFR recording started with -XX:StartFlightRecording=filename=... is written here, as halt skips it.
    for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
      r.stop();
    }
    // Threads of the variant under test may still be polling: end the JVM without waiting for them.
    Runtime.getRuntime().halt(0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 2; i < args.length - 1; i++) {
      if (args[i].startsWith("--")) {
        opts.put(args[i].substring(2), args[++i]);
      }
    }
    return opts;
  }

  private static int intOpt(Map<String, String> opts, String key, int fallback) {
    String v = opts.get(key);
    return v == null ? fallback : Integer.parseInt(v);
  }
}
