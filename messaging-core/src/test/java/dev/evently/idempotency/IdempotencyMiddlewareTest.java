package dev.evently.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.consume.Middleware;
import dev.evently.consume.RecordingChain;
import dev.evently.event.Event;
import dev.evently.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idempotency middleware, each with a recording next link instead of a consumer. */
class IdempotencyMiddlewareTest {
  private final List<String> proceeded = new CopyOnWriteArrayList<>();
  private HikariDataSource ds;

  @AfterEach
  void closeDatabase() {
    if (ds != null) {
      ds.close();
    }
  }

  /** A chain whose next link records the event and runs {@code next}. */
  private Middleware.Chain chain(Event<?> event, RecordingChain.Step next) {
    return RecordingChain.of(event, new AtomicInteger(), () -> {
      proceeded.add(event.id());
      next.run();
    });
  }

  @Test
  void theStoreMiddlewareProceedsOncePerEventAndAgainAfterAFailure() throws Exception {
    IdempotencyMiddleware idempotency =
        IdempotencyMiddleware.builder(InMemoryIdempotencyStore.create(), "billing").build();
    Event<Payment> first = Payment.event("o-1", 100);
    Event<Payment> failing = Payment.event("o-2", 100);

    idempotency.handle(chain(first, () -> {}));
    idempotency.handle(chain(first, () -> {}));
    assertThatThrownBy(() -> idempotency.handle(chain(failing, () -> {
          throw new IllegalStateException("down");
        })))
        .hasMessage("down");
    idempotency.handle(chain(failing, () -> {}));
    idempotency.handle(chain(failing, () -> {}));

    assertThat(proceeded).containsExactly(first.id(), failing.id(), failing.id());
  }

  @Test
  void theJdbcMiddlewareCommitsTheHandlersWritesWithTheDedupRowAndSkipsCopies() throws Exception {
    ds = TestDatabases.h2("idempotency-middleware");
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE effects (event_id VARCHAR(200) NOT NULL)");
    }
    JdbcIdempotencyMiddleware idempotency = JdbcIdempotencyMiddleware.builder(ds, "billing").build();
    Event<Payment> event = Payment.event("o-1", 100);
    Event<Payment> failing = Payment.event("o-2", 100);
    RecordingChain.Step write =
        () -> {
          try (PreparedStatement ps =
              JdbcIdempotencyMiddleware.currentTransaction().prepareStatement("INSERT INTO effects VALUES (?)")) {
            ps.setString(1, proceeded.get(proceeded.size() - 1));
            ps.executeUpdate();
          }
        };

    idempotency.handle(chain(event, write));
    idempotency.handle(chain(event, write));
    assertThatThrownBy(() -> idempotency.handle(chain(failing, () -> {
          write.run();
          throw new IllegalStateException("downstream rejected");
        })))
        .hasMessage("downstream rejected");

    assertThat(proceeded).containsExactly(event.id(), failing.id());
    // the failed call's write rolled back with its dedup row; the copy of the first was skipped
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM effects")).isEqualTo(1);
    idempotency.handle(chain(failing, write));
    assertThat(TestDatabases.count(ds, "SELECT COUNT(*) FROM effects")).isEqualTo(2);
    assertThatThrownBy(JdbcIdempotencyMiddleware::currentTransaction)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only available inside a handler");
  }
}
