package dev.evently.idempotency;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.MutableClock;
import dev.evently.jdbc.TestDatabases;
import org.junit.jupiter.api.AfterEach;

class H2JdbcIdempotencyStoreTest extends IdempotencyStoreContract {
  private HikariDataSource ds;

  @Override
  protected IdempotencyStore newStore(MutableClock clock) {
    ds = TestDatabases.h2("idempotency");
    return JdbcIdempotencyStore.builder().dataSource(ds).clock(clock).build();
  }

  @AfterEach
  void close() {
    ds.close();
  }
}
