package dev.evently.outbox;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

class PostgresOutboxIT extends OutboxContract {
  private HikariDataSource ds;

  @Override
  protected DataSource dataSource() {
    return ds = TestDatabases.postgres("outbox");
  }

  @AfterEach
  void drop() {
    TestDatabases.dropPostgres(ds);
  }
}
