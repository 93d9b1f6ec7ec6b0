package dev.evently.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One reference service running as a separate JVM from its jar (Spring Boot's extracted layout), with its stdout and stderr
 * appended to a log file. The HTTP port is chosen once, so a restarted process serves on the same
 * URL. {@link #kill()} is SIGKILL, {@link #stop()} SIGTERM. Not thread-safe.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final Path jar;
  private final Map<String, String> env;
  private final Path log;
  private final int port;
  private Process process;
  private int starts;

  ServiceProcess(String name, Path jar, Map<String, String> env, Path logDir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath() + " is missing: build it first (./mvnw -B -q -DskipTests package -pl " + name + " -am)");
    }
    this.name = name;
    this.jar = jar;
    this.port = freePort();
    this.env = new LinkedHashMap<>(env);
    this.env.put("HTTP_PORT", Integer.toString(port));
    this.log = logDir.resolve(name + ".log");
  }

  static Path jar(String module) {
    return Path.of("..", module, "target", "app", module + ".jar"); // the extracted Spring Boot jar
  }

  String name() {
    return name;
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  Path logFile() {
    return log;
  }

  /** Everything the process (and its earlier incarnations) wrote. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  int starts() {
    return starts;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the process and waits until {@code /health/ready} answers 200. */
  ServiceProcess start() {
    launch();
    awaitHealthy(START_TIMEOUT);
    return this;
  }

  /** Starts the process without waiting for it; see {@link #awaitHealthy()}. */
  void launch() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> command = new ArrayList<>(List.of(
        javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        jar.toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("OTEL_") || k.equals("DATABASE_URL") || k.equals("LOG_LEVEL"));
    pb.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "---- start " + (starts + 1) + " of " + name + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    starts++;
  }

  void awaitHealthy() {
    awaitHealthy(START_TIMEOUT);
  }

  /** Waits until {@code /health/ready} answers 200; fails at once if the process died. */
  void awaitHealthy(Duration timeout) {
    await(name + " healthy on port " + port)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail());
          }
          return health().status() == 200;
        });
  }

  /**
   * {@code GET /health/ready}: 503 while a dependency is down or the consumer's circuit breaker is
   * open (a transport failure is status -1).
   */
  Http.Reply health() {
    return Http.get(url("/health/ready"), Duration.ofSeconds(15));
  }

  /** {@code GET /health}, the liveness view: 200 (DEGRADED) while only a dependency is down. */
  Http.Reply liveness() {
    return Http.get(url("/health"), Duration.ofSeconds(15));
  }

  /** The sum of a Prometheus metric's samples on {@code /metrics} (e.g. {@code evently_consumer_succeeded_total}). */
  double metric(String name) {
    return metric(name, "");
  }

  /** Like {@link #metric(String)}, only samples whose labels contain {@code labelFragment}. */
  double metric(String name, String labelFragment) {
    Http.Reply r = Http.get(url("/metrics"), Duration.ofSeconds(10));
    if (r.status() != 200) {
      throw new AssertionError(name + ": GET /metrics answered " + r);
    }
    return r.body().lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> l.contains(labelFragment))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Heap in use right after a full GC (forced with jcmd): what the process really retains. */
  long heapAfterGc() {
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
      jcmd.getInputStream().readAllBytes();
      if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
        throw new IllegalStateException("jcmd GC.run failed for " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return (long) metric("jvm_memory_used_bytes", "area=\"heap\"");
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /** SIGTERM: the graceful shutdown. */
  void stop() {
    if (!isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(Duration.ofSeconds(45))) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
      throw new IllegalStateException(name + " did not stop within 45 s of SIGTERM");
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitValue() {
    return process.exitValue();
  }

  String tail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + "[port " + port + (isAlive() ? ", pid " + process.pid() : ", stopped") + "]";
  }
}
