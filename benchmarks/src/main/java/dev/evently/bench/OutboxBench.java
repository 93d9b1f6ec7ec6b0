package dev.evently.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.outbox.Outbox;
import dev.evently.outbox.OutboxRelay;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.EventPublisher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * B6, the transactional outbox relay on PostgreSQL publishing through SNS on moto: throughput of
 * one and two relays on one table (rows committed beforehand), and commit-to-publish latency at low
 * load with the writer in another process. Every relay uses its defaults (batch 100, our publisher
 * with its defaults) except the publisher's buffer bound, as in B3.
 */
final class OutboxBench {
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String PG_USER = "postgres";
  private static final String TOPIC = "bench-events";

  private OutboxBench() {}

  /**
   * {@code relay-K}: commits {@code warmup + messages} rows (the events of B3: no subject, so no
   * order between them), starts K relays on the table, and times the publication (SNS accepted)
   * of the last {@code messages}. Diagnostics: {@code relay-K-nosns} relays to a publisher that
   * accepts at once without sending, to see the relay and the database alone; {@code
   * relay-K-delayD} relays to one that accepts each message D ms after it is handed over, sending
   * nothing: a relay bound by SNS's latency rather than by moto's CPU; {@code relay-K-cN} (also
   * {@code relay-K-nosns-cN}, {@code relay-K-delayD-cN}) sets each relay's concurrency to N
   * instead of its default.
   */
  static Result throughput(String variant, String endpoint, int warmup, int messages) throws Exception {
    String[] parts = variant.split("-");
    int relays = Integer.parseInt(parts[1]);
    boolean noSns = variant.contains("-nosns");
    int concurrency = number(variant, "-c");
    int delayMs = number(variant, "-delay");
    EventCodec codec = BenchEvent.codec();
    SnsAsyncClient control = Aws.sns(endpoint);
    String topicArn = control.createTopic(r -> r.name(Aws.uniqueName("b6-" + variant))).join().topicArn();
    String schema = Aws.uniqueName("b6_" + variant).replace('-', '_').toLowerCase();
    HikariDataSource ds = database(schema, 4 + 2 * relays);
    Outbox outbox = Outbox.builder().codec(codec).build();
    int total = warmup + messages;
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      for (int i = 0; i < total; i++) {
        outbox.publish(tx, TOPIC, BenchEvent.event(i));
        if (i % 500 == 499) {
          tx.commit();
        }
      }
      tx.commit();
    }
    AtomicLong accepted = new AtomicLong();
    // the timed rows' start and end (CPU and JIT over the timed rows only, as B3)
    AtomicReference<Result.Mark> start = new AtomicReference<>();
    AtomicReference<Result.Mark> end = new AtomicReference<>();
    List<EventPublisher> publishers = new ArrayList<>();
    List<OutboxRelay> started = new ArrayList<>();
    for (int r = 0; r < relays; r++) {
      EventPublisher publisher =
          new Observed(
              noSns || delayMs > 0
                  ? new NoSns(delayMs)
                  : OursPublisher.create(Aws.sns(endpoint), topicArn, codec, total),
              m -> {
                long n = accepted.incrementAndGet();
                if (n == warmup + 1) {
                  start.set(Result.Mark.now());
                }
                if (n == total) {
                  end.set(Result.Mark.now());
                }
              });
      publishers.add(publisher);
      OutboxRelay.Builder relay = OutboxRelay.builder().dataSource(ds).outbox(outbox).publishers(Map.of(TOPIC, publisher));
      started.add((concurrency > 0 ? relay.concurrency(concurrency) : relay).build());
    }
    started.forEach(OutboxRelay::start);
    long deadline = System.nanoTime() + 240_000_000_000L;
    while ((start.get() == null || end.get() == null) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    started.forEach(OutboxRelay::close);
    publishers.forEach(EventPublisher::close);
    long unpublished = count(ds, "SELECT COUNT(*) FROM evently_outbox WHERE published_at IS NULL");
    drop(ds, schema);
    control.deleteTopic(r -> r.topicArn(topicArn)).join();
    if (accepted.get() < total) {
      throw new IllegalStateException("only " + accepted.get() + " of " + total + " rows published in time");
    }
    Result result =
        new Result("b6", variant)
            .put("messages", messages)
            .put("relays", relays)
            .put("msg_per_s", Result.round(messages / start.get().secondsUntil(end.get()), 1));
    return start.get().putTimed(result, end.get(), messages).put("unpublished_after_close", unpublished);
  }

  /**
   * {@code relay-1}: one relay (defaults: polls 10 ms..1 s, LISTENs on PostgreSQL) in this process,
   * a writer in another JVM committing one row per transaction at {@code rate} per second; per row
   * the time from the writer's commit to SNS accepting the message. The first {@code warmup} rows
   * (JIT, connections, the first SNS calls) are not counted.
   */
  static Result latency(String variant, String endpoint, int warmup, int messages, int rate) throws Exception {
    EventCodec codec = BenchEvent.codec();
    SnsAsyncClient sns = Aws.sns(endpoint);
    String topicArn = sns.createTopic(r -> r.name(Aws.uniqueName("b6lat"))).join().topicArn();
    String schema = Aws.uniqueName("b6lat").replace('-', '_').toLowerCase();
    HikariDataSource ds = database(schema, 6);
    Map<String, Long> acceptedMicros = new ConcurrentHashMap<>();
    EventPublisher publisher =
        new Observed(
            OursPublisher.create(sns, topicArn, codec, warmup + messages),
            m -> acceptedMicros.putIfAbsent(m.eventId(), ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())));
    OutboxRelay relay =
        OutboxRelay.builder().dataSource(ds).outbox(Outbox.builder().codec(codec).build())
            .publishers(Map.of(TOPIC, publisher)).build();
    relay.start();
    Thread.sleep(1500); // the relay is idle and listening, its poll backed off to 1 s

    Process writer =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "b6writer", schema,
                "--messages", Integer.toString(warmup + messages), "--rate", Integer.toString(rate))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, Long> committedMicros = new ConcurrentHashMap<>();
    int seen = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && parts[0].equals("COMMIT") && seen++ >= warmup) {
          committedMicros.put(parts[1], Long.parseLong(parts[2]));
        }
      }
    }
    writer.waitFor();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (acceptedMicros.size() < warmup + committedMicros.size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    relay.close();
    publisher.close();
    drop(ds, schema);
    double[] ms = Result.millisBetween(committedMicros, acceptedMicros);
    for (int i = 0; i < ms.length; i++) {
      ms[i] = ms[i] * 1000; // micros, not nanos
    }
    java.util.Arrays.sort(ms);
    return new Result("b6lat", variant)
        .put("messages", messages)
        .put("warmup", warmup)
        .put("rate_per_s", rate)
        .put("committed", committedMicros.size())
        .put("published", ms.length)
        .put("commit_to_publish_p50_ms", Result.round(Result.percentile(ms, 50), 2))
        .put("commit_to_publish_p99_ms", Result.round(Result.percentile(ms, 99), 2))
        .put("commit_to_publish_max_ms", Result.round(ms.length == 0 ? Double.NaN : ms[ms.length - 1], 2));
  }

  /** The writer process of {@link #latency}: prints {@code COMMIT <event id> <epoch micros>} per row. */
  static void writer(String schema, int messages, int rate) throws Exception {
    Outbox outbox = Outbox.builder().codec(BenchEvent.codec()).build();
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "")) {
      c.setSchema(schema);
      c.setAutoCommit(false);
      long interval = 1_000_000_000L / rate;
      long next = System.nanoTime();
      for (int i = 0; i < messages; i++) {
        while (System.nanoTime() < next) {
          Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        next += interval;
        Event<BenchEvent> event = BenchEvent.event(i);
        outbox.publish(c, TOPIC, event);
        c.commit();
        System.out.println("COMMIT " + event.id() + " " + ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
      }
      System.out.flush();
    }
  }

  private static HikariDataSource database(String schema, int poolSize) throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(PG_URL);
    config.setUsername(PG_USER);
    config.setSchema(schema);
    config.setMaximumPoolSize(poolSize);
    HikariDataSource ds = new HikariDataSource(config);
    EventlyMigrations.migrate(ds, EventlyMigrations.Options.defaults().withSchema(schema));
    return ds;
  }

  private static long count(HikariDataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void drop(HikariDataSource ds, String schema) throws Exception {
    ds.close();
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Calls {@code accepted} with each message SNS accepted. */
  private record Observed(EventPublisher delegate, java.util.function.Consumer<EncodedMessage> accepted)
      implements EventPublisher {
    @Override
    public CompletableFuture<String> publish(Event<?> event) {
      throw new UnsupportedOperationException("the relay publishes stored messages");
    }

    @Override
    public CompletableFuture<String> publishEncoded(EncodedMessage message) {
      return delegate.publishEncoded(message).whenComplete((id, error) -> {
        if (error == null) {
          accepted.accept(message);
        }
      });
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** The number after {@code option} in the variant's name ({@code relay-1-c2}: 2 for "-c"), else 0. */
  private static int number(String variant, String option) {
    Matcher m = Pattern.compile(option + "([0-9]+)").matcher(variant);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /**
   * Diagnostics only ({@code relay-K-nosns}, {@code relay-K-delayD}): accepts every message at
   * once, or {@code delayMs} after it is handed over, sending nothing.
   */
  private static final class NoSns implements EventPublisher {
    private final int delayMs;
    // one timer thread completes the futures (CompletableFuture.delayedExecutor would start a thread
    // per message on 2 cores, where the common pool has parallelism 1)
    private final ScheduledExecutorService timer;

    NoSns(int delayMs) {
      this.delayMs = delayMs;
      this.timer = delayMs > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "b6-sns-delay");
        t.setDaemon(true);
        return t;
      }) : null;
    }

    @Override
    public CompletableFuture<String> publish(Event<?> event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<String> publishEncoded(EncodedMessage message) {
      if (timer == null) {
        return CompletableFuture.completedFuture("not-sent");
      }
      CompletableFuture<String> accepted = new CompletableFuture<>();
      timer.schedule(() -> accepted.complete("not-sent"), delayMs, TimeUnit.MILLISECONDS);
      return accepted;
    }

    @Override
    public void close() {
      if (timer != null) {
        timer.shutdownNow();
      }
    }
  }
}
