package dev.evently.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One run's figures, printed as a single {@code RESULT {json}} line on stdout. */
final class Result {
  static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Object> fields = new LinkedHashMap<>();

  Result(String bench, String variant) {
    fields.put("bench", bench);
    fields.put("variant", variant);
  }

  Result put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  void print() {
    try {
      System.out.println("RESULT " + JSON.writeValueAsString(fields));
      System.out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** The JIT compilers' total time so far in ms (0 when the JVM does not report it). */
  static long jitMillis() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  /** Wall clock, process CPU and JIT time at one moment: a timed part runs between two marks. */
  record Mark(long nanos, long cpuNanos, long jitMillis) {
    static Mark now() {
      return new Mark(System.nanoTime(), Result.cpuNanos(), Result.jitMillis());
    }

    double secondsUntil(Mark end) {
      return (end.nanos - nanos) / 1e9;
    }

    /** Adds this run's {@code seconds}, {@code cpu_ms_per_msg} and {@code jit_ms_timed} up to {@code end}. */
    Result putTimed(Result result, Mark end, int messages) {
      return result
          .put("seconds", round(secondsUntil(end), 3))
          .put("cpu_ms_per_msg", round((end.cpuNanos - cpuNanos) / 1e6 / messages, 4))
          .put("jit_ms_timed", end.jitMillis - jitMillis);
    }
  }

  /** Process CPU time in nanoseconds (all threads). */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Resident set size of this process in MiB, from /proc/self/status. */
  static double rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Heap in use right after a full GC, in MiB. */
  static double heapAfterGcMib() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
  }

  /** For each key in both maps, the time from {@code from} to {@code to} in ms, sorted. */
  static double[] millisBetween(java.util.Map<String, Long> from, java.util.Map<String, Long> to) {
    return from.entrySet().stream()
        .filter(e -> to.containsKey(e.getKey()))
        .mapToDouble(e -> (to.get(e.getKey()) - e.getValue()) / 1e6)
        .sorted()
        .toArray();
  }

  /** The p-th percentile (0..100) of sorted values, nearest rank. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
