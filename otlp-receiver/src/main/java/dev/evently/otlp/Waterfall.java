package dev.evently.otlp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One trace as an indented waterfall: a line per span, children under their parent in start
 * order, with the service, the span's name, its offset from the trace's start and its duration.
 * Spans whose parent was not received (it is in another trace, or not exported yet) are shown at
 * the top level.
 */
public final class Waterfall {
  private Waterfall() {}

  public static String render(List<ReceivedSpan> trace) {
    if (trace.isEmpty()) {
      return "(no spans)\n";
    }
    Set<String> ids = new HashSet<>();
    trace.forEach(s -> ids.add(s.spanId()));
    Map<String, List<ReceivedSpan>> children = new HashMap<>();
    List<ReceivedSpan> roots = new ArrayList<>();
    for (ReceivedSpan s : trace) {
      if (s.isRoot() || !ids.contains(s.parentSpanId())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    long start = trace.stream().mapToLong(ReceivedSpan::startEpochNanos).min().orElse(0);
    int serviceWidth = trace.stream().mapToInt(s -> s.service().length()).max().orElse(7);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-" + serviceWidth + "s  %9s %9s  %s%n", "service", "at ms", "took ms", "span"));
    roots.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
    for (ReceivedSpan root : roots) {
      append(out, root, 0, start, serviceWidth, children);
    }
    return out.toString();
  }

  private static void append(
      StringBuilder out, ReceivedSpan span, int depth, long start, int serviceWidth, Map<String, List<ReceivedSpan>> children) {
    out.append(String.format(Locale.ROOT, "%-" + serviceWidth + "s  %9.1f %9.1f  %s%s%s%n",
        span.service(),
        (span.startEpochNanos() - start) / 1e6,
        span.duration().toNanos() / 1e6,
        "  ".repeat(depth),
        span.name(),
        "ERROR".equals(span.status()) ? "  [error]" : ""));
    List<ReceivedSpan> kids = new ArrayList<>(children.getOrDefault(span.spanId(), List.of()));
    kids.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
    for (ReceivedSpan kid : kids) {
      append(out, kid, depth + 1, start, serviceWidth, children);
    }
  }
}
