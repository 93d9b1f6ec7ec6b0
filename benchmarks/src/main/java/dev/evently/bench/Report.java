package dev.evently.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * Aggregates the {@code RESULT} lines of all runs: medians per benchmark and variant, the ratios
 * the targets are stated in, a printed table, {@code results.json} and a PNG bar chart.
 */
final class Report {
  private final Map<String, List<JsonNode>> runsByKey = new LinkedHashMap<>();
  private final ArrayNode runs = Result.JSON.createArrayNode();

  private Report() {}

  static void write(String jsonl, String jsonOut, String pngOut, String mode) throws IOException {
    Report report = new Report();
    for (String line : Files.readAllLines(Path.of(jsonl))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode run = Result.JSON.readTree(line);
      report.runs.add(run);
      report.runsByKey
          .computeIfAbsent(run.get("bench").asText() + "/" + run.get("variant").asText(), k -> new ArrayList<>())
          .add(run);
    }
    ObjectNode medians = report.medians();
    ObjectNode ratios = report.ratios(medians);
    ObjectNode root = Result.JSON.createObjectNode();
    root.put("mode", mode);
    root.put("command", "benchmarks/run.sh" + ("quick".equals(mode) ? " --quick" : ""));
    root.set("machine", machine());
    root.set("ratios", ratios);
    root.set("targets", targets(ratios));
    root.set("medians", medians);
    root.set("runs", report.runs);
    Result.JSON.writerWithDefaultPrettyPrinter().writeValue(new File(jsonOut), root);
    System.out.println(report.table(medians));
    System.out.println(targetTable(root.get("targets")));
    Files.writeString(Path.of(jsonOut.replaceAll("\\.json$", "") + ".md"), markdown(medians, root.get("targets"), ratios));
    chart(medians, pngOut, root.get("machine"), mode);
  }

  private ObjectNode medians() {
    ObjectNode out = Result.JSON.createObjectNode();
    runsByKey.forEach(
        (key, list) -> {
          ObjectNode m = out.putObject(key);
          m.put("runs", list.size());
          Iterator<String> names = list.get(0).fieldNames();
          while (names.hasNext()) {
            String field = names.next();
            if (!list.get(0).get(field).isNumber()) {
              continue;
            }
            double[] values = list.stream().filter(r -> r.has(field)).mapToDouble(r -> r.get(field).asDouble()).sorted().toArray();
            m.put(field, Result.round(median(values), 3));
            if (field.equals("msg_per_s")) {
              m.put("msg_per_s_min", values[0]);
              m.put("msg_per_s_max", values[values.length - 1]);
            }
          }
        });
    return out;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static Double value(ObjectNode medians, String key, String field) {
    JsonNode m = medians.get(key);
    return m == null || !m.has(field) ? null : m.get(field).asDouble();
  }

  /** The best median of a field over the variants of one benchmark whose name matches. */
  private static Double best(ObjectNode medians, String bench, Predicate<String> variant, String field) {
    Double best = null;
    Iterator<String> keys = medians.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (key.startsWith(bench + "/") && variant.test(key.substring(bench.length() + 1))) {
        Double v = value(medians, key, field);
        if (v != null && (best == null || v > best)) {
          best = v;
        }
      }
    }
    return best;
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : Result.round(a / b, 3);
  }

  private ObjectNode ratios(ObjectNode medians) {
    String t = "msg_per_s";
    Double rawCeiling = best(medians, "b1", v -> v.startsWith("raw-w"), t);
    Double ideal = rawCeiling == null ? null : Math.min(rawCeiling, 100 / 0.020);
    ObjectNode r = Result.JSON.createObjectNode();
    put(r, "b1_raw_ceiling_msg_per_s", rawCeiling);
    put(r, "b1_ours_vs_raw_50", ratio(value(medians, "b1/ours-50", t), rawCeiling));
    put(r, "b1_ours_vs_sca_50", ratio(value(medians, "b1/ours-50", t), value(medians, "b1/sca-50", t)));
    put(r, "b1_ours_vs_sca_10", ratio(value(medians, "b1/ours-10", t), value(medians, "b1/sca-10", t)));
    put(r, "b1_ours_vs_raw_10", ratio(value(medians, "b1/ours-10", t), rawCeiling));
    // the raw loop holding as many messages as ours may (10 per loop): concurrency + default prefetch
    String sameHeld50 = "b1/" + sameHeldRawVariant(50);
    String sameHeld10 = "b1/" + sameHeldRawVariant(10);
    put(r, "b1_ours_vs_raw_same_held_50", ratio(value(medians, "b1/ours-50", t), value(medians, sameHeld50, t)));
    put(r, "b1_ours_vs_raw_same_held_10", ratio(value(medians, "b1/ours-10", t), value(medians, sameHeld10, t)));
    put(
        r,
        "b1_cpu_ours_vs_raw_same_held",
        ratio(value(medians, "b1/ours-50", "cpu_ms_per_msg"), value(medians, sameHeld50, "cpu_ms_per_msg")));
    put(r, "b1_ours_prefetch_vs_none_50", ratio(value(medians, "b1/ours-50", t), value(medians, "b1/ours-50p0", t)));
    put(r, "b1_ours_receive_calls_per_msg", value(medians, "b1/ours-50", "receive_calls_per_msg"));
    put(r, "b1_sca_receive_calls_per_msg", value(medians, "b1/sca-50", "receive_calls_per_msg"));
    put(r, "b1_otel_sdk_vs_none_50", ratio(value(medians, "b1/ours-50o", t), value(medians, "b1/ours-50", t)));
    put(r, "b1_otel_sdk_cpu_vs_none_50", ratio(value(medians, "b1/ours-50o", "cpu_ms_per_msg"), value(medians, "b1/ours-50", "cpu_ms_per_msg")));
    put(r, "b2_ideal_msg_per_s", ideal);
    put(r, "b2_ours_vs_ideal", ratio(value(medians, "b2/ours-100", t), ideal));
    put(r, "b2_ours_vs_sca", ratio(value(medians, "b2/ours-100", t), value(medians, "b2/sca-100", t)));
    put(r, "b2_ours_vs_raw", ratio(value(medians, "b2/ours-100", t), value(medians, "b2/raw-p100", t)));
    put(r, "b3_ours_vs_sequential", ratio(value(medians, "b3/ours", t), value(medians, "b3/sequential", t)));
    put(r, "b3_ours_vs_raw_batch", ratio(value(medians, "b3/ours", t), best(medians, "b3", Report::rawCeiling, t)));
    put(r, "b3_otel_sdk_vs_none", ratio(value(medians, "b3/ours-otel", t), value(medians, "b3/ours", t)));
    put(r, "b3_otel_sdk_cpu_vs_none", ratio(value(medians, "b3/ours-otel", "cpu_ms_per_msg"), value(medians, "b3/ours", "cpu_ms_per_msg")));
    put(r, "b4_ack_p50_ms", value(medians, "b4ack/ours-10", "ack_p50_ms"));
    put(r, "b4_ack_p99_ms", value(medians, "b4ack/ours-10", "ack_p99_ms"));
    put(r, "b4_sca_ack_p99_ms", value(medians, "b4ack/sca-10", "ack_p99_ms"));
    put(r, "b4_e2e_p50_ms", value(medians, "b4e2e/ours", "e2e_p50_ms"));
    put(r, "b4_e2e_p99_ms", value(medians, "b4e2e/ours", "e2e_p99_ms"));
    put(r, "b4_idle_shutdown_ms", value(medians, "b4stop/ours-10", "shutdown_ms"));
    put(r, "b4_sca_idle_shutdown_ms", value(medians, "b4stop/sca-10", "shutdown_ms"));
    put(r, "b5_heap_mib", value(medians, "b2/ours-100", "heap_after_gc_mib"));
    put(r, "b5_rss_mib", value(medians, "b2/ours-100", "rss_mib"));
    put(r, "b5_sca_heap_mib", value(medians, "b2/sca-100", "heap_after_gc_mib"));
    put(r, "b6_relay_msg_per_s", value(medians, "b6/relay-1", t));
    put(r, "b6_relay_vs_raw_batch", ratio(value(medians, "b6/relay-1", t), best(medians, "b3", Report::rawCeiling, t)));
    // diagnostics: the relay against a raw loop sending the event-type attribute too, and against our publisher alone
    put(r, "b6_relay_vs_raw_batch_attr", ratio(value(medians, "b6/relay-1", t), value(medians, "b3/raw-batch-4-attr", t)));
    put(r, "b6_relay_vs_ours_publisher", ratio(value(medians, "b6/relay-1", t), value(medians, "b3/ours", t)));
    put(r, "b6_two_relays_vs_one", ratio(value(medians, "b6/relay-2", t), value(medians, "b6/relay-1", t)));
    // diagnostic (full mode): the same without SNS, i.e. the relays and PostgreSQL alone
    put(r, "b6_two_relays_vs_one_nosns", ratio(value(medians, "b6/relay-2-nosns", t), value(medians, "b6/relay-1-nosns", t)));
    // diagnostic (full mode): SNS's latency without moto's CPU (each message accepted 50 ms after it is handed over)
    put(r, "b6_two_relays_vs_one_delay50", ratio(value(medians, "b6/relay-2-delay50", t), value(medians, "b6/relay-1-delay50", t)));
    put(r, "b6_commit_to_publish_p50_ms", value(medians, "b6lat/relay-1", "commit_to_publish_p50_ms"));
    put(r, "b6_commit_to_publish_p99_ms", value(medians, "b6lat/relay-1", "commit_to_publish_p99_ms"));
    return r;
  }

  /** The raw PublishBatch loops that make B3's ceiling ({@code raw-batch-C-attr} is a diagnostic). */
  private static boolean rawCeiling(String variant) {
    return variant.startsWith("raw-batch-") && !variant.endsWith("-attr");
  }

  /**
   * The raw variant that holds as many messages as our consumer at {@code concurrency} with the
   * default prefetch may: one loop per 10 messages.
   */
  static String sameHeldRawVariant(int concurrency) {
    return "raw-w" + (concurrency + dev.evently.consume.SqsConsumer.DEFAULT_PREFETCH + 9) / 10;
  }

  private static void put(ObjectNode node, String key, Double value) {
    if (value == null) {
      node.putNull(key);
    } else {
      node.put(key, Result.round(value, 3));
    }
  }

  private static ObjectNode targets(ObjectNode ratios) {
    ObjectNode t = Result.JSON.createObjectNode();
    target(t, ratios, "b1_ours_vs_raw_50", 0.90, true);
    target(t, ratios, "b1_ours_vs_sca_50", 1.6, true);
    target(t, ratios, "b1_ours_vs_sca_10", 1.5, true);
    target(t, ratios, "b1_cpu_ours_vs_raw_same_held", 1.1, false);
    target(t, ratios, "b2_ours_vs_ideal", 0.80, true);
    target(t, ratios, "b2_ours_vs_sca", 1.3, true);
    target(t, ratios, "b3_ours_vs_sequential", 5.0, true);
    target(t, ratios, "b3_ours_vs_raw_batch", 0.9, true);
    target(t, ratios, "b4_ack_p99_ms", 100, false);
    target(t, ratios, "b4_idle_shutdown_ms", 1000, false);
    target(t, ratios, "b5_heap_mib", 64, false);
    target(t, ratios, "b6_relay_vs_raw_batch", 0.8, true);
    target(t, ratios, "b6_two_relays_vs_one", 1.6, true);
    target(t, ratios, "b6_commit_to_publish_p99_ms", 100, false);
    return t;
  }

  private static void target(ObjectNode out, ObjectNode ratios, String key, double bound, boolean atLeast) {
    ObjectNode t = out.putObject(key);
    JsonNode v = ratios.get(key);
    t.put("target", (atLeast ? ">= " : "<= ") + bound);
    t.set("value", v);
    if (v == null || v.isNull()) {
      t.putNull("met");
    } else {
      t.put("met", atLeast ? v.asDouble() >= bound : v.asDouble() <= bound);
    }
  }

  private String table(ObjectNode medians) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-18s %4s %10s %10s %10s %8s  %s%n", "benchmark/variant", "runs", "msg/s", "min", "max", "cpu ms", "other medians"));
    Iterator<Map.Entry<String, JsonNode>> it = medians.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode m = e.getValue();
      StringBuilder other = new StringBuilder();
      Iterator<String> names = m.fieldNames();
      while (names.hasNext()) {
        String f = names.next();
        if (f.endsWith("_ms") || f.endsWith("_mib")) {
          other.append(f).append('=').append(m.get(f).asDouble()).append(' ');
        }
      }
      sb.append(
          String.format(
              "%-18s %4d %10s %10s %10s %8s  %s%n",
              e.getKey(),
              m.get("runs").asInt(),
              fmt(m, "msg_per_s"),
              fmt(m, "msg_per_s_min"),
              fmt(m, "msg_per_s_max"),
              m.has("cpu_ms_per_msg") ? String.format("%.3f", m.get("cpu_ms_per_msg").asDouble()) : "",
              other.toString().trim()));
    }
    return sb.toString();
  }

  private static String fmt(JsonNode m, String field) {
    return m.has(field) ? String.format("%.0f", m.get(field).asDouble()) : "";
  }

  private static String targetTable(JsonNode targets) {
    StringBuilder sb = new StringBuilder(String.format("%-24s %10s %10s  %s%n", "target", "value", "bound", "met"));
    targets.fields()
        .forEachRemaining(
            e -> {
              JsonNode t = e.getValue();
              sb.append(
                  String.format(
                      "%-24s %10s %10s  %s%n",
                      e.getKey(),
                      t.get("value") == null || t.get("value").isNull() ? "n/a" : String.format("%.3f", t.get("value").asDouble()),
                      t.get("target").asText(),
                      t.get("met").isNull() ? "n/a" : t.get("met").asBoolean() ? "yes" : "NO"));
            });
    return sb.toString();
  }

  /** The same figures as Markdown tables, for docs/BENCHMARKS.md. */
  private static String markdown(ObjectNode medians, JsonNode targets, ObjectNode ratios) {
    StringBuilder sb = new StringBuilder();
    sb.append("| benchmark | variant | runs | msg/s (median) | min | max | client CPU ms/msg | other medians |\n");
    sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
    medians.fields()
        .forEachRemaining(
            e -> {
              JsonNode m = e.getValue();
              String[] key = e.getKey().split("/", 2);
              StringBuilder other = new StringBuilder();
              m.fieldNames()
                  .forEachRemaining(
                      f -> {
                        if (f.endsWith("_ms") || f.endsWith("_mib") || f.equals("msgs_per_receive") || f.endsWith("calls_per_msg")) {
                          other.append(other.length() == 0 ? "" : ", ").append(f).append(' ').append(m.get(f).asDouble());
                        }
                      });
              sb.append(
                  String.format(
                      "| %s | %s | %d | %s | %s | %s | %s | %s |%n",
                      key[0],
                      key[1],
                      m.get("runs").asInt(),
                      fmt(m, "msg_per_s"),
                      fmt(m, "msg_per_s_min"),
                      fmt(m, "msg_per_s_max"),
                      m.has("cpu_ms_per_msg") ? String.format("%.3f", m.get("cpu_ms_per_msg").asDouble()) : "",
                      other));
            });
    sb.append("\n| target | value | bound | met |\n| --- | ---: | ---: | --- |\n");
    targets.fields()
        .forEachRemaining(
            e -> {
              JsonNode t = e.getValue();
              boolean missing = t.get("value") == null || t.get("value").isNull();
              sb.append(
                  String.format(
                      "| `%s` | %s | %s | %s |%n",
                      e.getKey(),
                      missing ? "n/a" : String.format("%.3f", t.get("value").asDouble()),
                      t.get("target").asText(),
                      t.get("met").isNull() ? "n/a" : t.get("met").asBoolean() ? "yes" : "**no**"));
            });
    sb.append("\n| ratio or figure | value |\n| --- | ---: |\n");
    ratios.fields()
        .forEachRemaining(
            e -> sb.append(String.format("| `%s` | %s |%n", e.getKey(), e.getValue().isNull() ? "n/a" : e.getValue().asText())));
    return sb.toString();
  }

  private static ObjectNode machine() {
    ObjectNode m = Result.JSON.createObjectNode();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    try {
      Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
      m.put("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
      m.put("load_average_at_start", String.valueOf(System.getenv("BENCH_LOAD_AT_START")).trim());
      Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .findFirst()
          .ifPresent(l -> m.put("memory", l.substring(l.indexOf(':') + 1).trim()));
    } catch (IOException e) {
      m.put("cpu", "unknown");
    }
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("http_client", System.getProperty("bench.http", "netty"));
    m.put("sqs_md5_check", System.getProperty("bench.md5", "on"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  /** Horizontal bars of median msg/s by variant, one group per throughput benchmark. */
  private static void chart(ObjectNode medians, String pngOut, JsonNode machine, String mode) throws IOException {
    String[][] groups = {
      {"b1", "B1 consumer, no-op handler (msg/s deleted)"},
      {"b2", "B2 consumer, 20 ms handler, 100 in flight (msg/s)"},
      {"b3", "B3 publisher through SNS on moto (msg/s accepted)"},
      {"b6", "B6 outbox relays on PostgreSQL through SNS on moto (rows/s published)"}
    };
    List<Object[]> rows = new ArrayList<>();
    for (String[] g : groups) {
      rows.add(new Object[] {g[1], null});
      medians.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().startsWith(g[0] + "/") && e.getValue().has("msg_per_s")) {
                  rows.add(new Object[] {e.getKey().substring(g[0].length() + 1), e.getValue().get("msg_per_s").asDouble()});
                }
              });
    }
    int rowH = 26;
    int left = 150;
    int width = 900;
    int height = 58 + rows.size() * rowH;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("evently benchmarks: median throughput by variant", 10, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(
        String.format(
            "%s mode; %d cores (%s); blue = ours, green = Spring Cloud AWS 3.4, grey = raw SDK, orange = sequential",
            mode, machine.path("cores").asInt(), machine.path("cpu").asText("?")),
        10,
        40);
    double max = 1;
    for (Object[] r : rows) {
      if (r[1] != null) {
        max = Math.max(max, (Double) r[1]);
      }
    }
    int y = 58;
    int barMax = width - left - 90;
    for (Object[] r : rows) {
      String label = (String) r[0];
      if (r[1] == null) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(label, 10, y + 18);
      } else {
        double v = (Double) r[1];
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString(label, 20, y + 17);
        g.setColor(colorOf(label));
        int w = (int) Math.round(barMax * v / max);
        g.fillRect(left, y + 4, Math.max(1, w), rowH - 8);
        g.setColor(Color.BLACK);
        g.drawString(String.format("%,.0f", v), left + w + 6, y + 17);
      }
      y += rowH;
    }
    g.setColor(Color.LIGHT_GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, 54, left, height - 4);
    g.dispose();
    ImageIO.write(img, "png", new File(pngOut));
  }

  private static Color colorOf(String variant) {
    if (variant.startsWith("ours") || variant.startsWith("relay")) {
      return new Color(0x1f77b4);
    }
    if (variant.startsWith("sca")) {
      return new Color(0x2ca02c);
    }
    if (variant.startsWith("sequential")) {
      return new Color(0xff7f0e);
    }
    return new Color(0x7f7f7f);
  }
}
