package dev.evently.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's cross-process wake-up on PostgreSQL: writers send {@code pg_notify} in their
 * transaction, the relay {@code LISTEN}s. The relays here poll only every 30 s, so an event that
 * arrives within the 10 s deadlines below was delivered by a notification, not by a poll.
 */
class PostgresOutboxListenIT {
  private static final Duration POLL = Duration.ofSeconds(30);
  private static final Duration WOKEN = Duration.ofSeconds(10);

  private final RecordingPublisher sns = new RecordingPublisher();
  private HikariDataSource ds;
  private OutboxRelay relay;
  private Process writer;

  @BeforeEach
  void startRelay() {
    ds = TestDatabases.postgres("outbox_listen");
    relay =
        OutboxRelay.builder()
            .dataSource(ds)
            .outbox(Outbox.builder().codec(OrderPlaced.CODEC).build())
            .publishers(Map.of("order-events", sns))
            .pollInterval(POLL, POLL)
            .build();
    relay.start();
    await().atMost(WOKEN).until(() -> relay.listener().listening() && relay.idleDelayMillis() == POLL.toMillis());
  }

  @AfterEach
  void stop() {
    if (writer != null) {
      writer.destroyForcibly();
    }
    relay.close();
    TestDatabases.dropPostgres(ds);
  }

  @Test
  void aRelayIsWokenByTheCommitOfAWriterInAnotherProcess() throws Exception {
    writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OutboxWriterMain.class.getName(),
                TestDatabases.POSTGRES_URL,
                TestDatabases.POSTGRES_USER,
                ds.getSchema())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter in = new PrintWriter(writer.getOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(line(out, Duration.ofSeconds(60))).isEqualTo("READY"); // a JVM start on a loaded machine

    List<Long> latenciesMs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      in.println("write");
      String committed = line(out, WOKEN);
      assertThat(committed).startsWith("COMMITTED ");
      long seen = System.nanoTime();
      String eventId = committed.substring("COMMITTED ".length());
      await().atMost(WOKEN).until(() -> sns.publishedAtNanos(eventId) != null);
      latenciesMs.add(Math.max(0, (sns.publishedAtNanos(eventId) - seen) / 1_000_000));
    }
    assertThat(sns.publishedIds()).hasSize(5);
    System.out.println("commit (as seen by the test) to publish, ms: " + latenciesMs);
  }

  @Test
  void whenItsListenConnectionDropsTheRelayListensAgainAndIsWokenAgain() throws Exception {
    int pid = relay.listener().backendPid();
    TestDatabases.execute(ds, "SELECT pg_terminate_backend(" + pid + ")");
    await().atMost(WOKEN).until(() -> relay.listener().listening() && relay.listener().backendPid() != pid);
    await().atMost(WOKEN).until(() -> relay.idleDelayMillis() == POLL.toMillis());

    // another Outbox than the relay's: no in-process wake-up, only the notification
    Outbox elsewhere = Outbox.builder().codec(OrderPlaced.CODEC).build();
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      elsewhere.publish(tx, "order-events", OrderPlaced.event("o-1", 1));
      tx.commit();
    }
    await().atMost(WOKEN).until(() -> sns.publishedIds().size() == 1);
  }

  private String line(BufferedReader out, Duration within) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(within.toMillis(), TimeUnit.MILLISECONDS);
  }
}
