package dev.evently.idempotency;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.MutableClock;
import dev.evently.jdbc.TestDatabases;
import org.junit.jupiter.api.AfterEach;

class PostgresJdbcIdempotencyStoreIT extends IdempotencyStoreContract {
  private HikariDataSource ds;

  @Override
  protected IdempotencyStore newStore(MutableClock clock) {
    ds = TestDatabases.postgres("idem_store");
    return JdbcIdempotencyStore.builder().dataSource(ds).clock(clock).build();
  }

  @AfterEach
  void drop() {
    TestDatabases.dropPostgres(ds);
  }
}
