package dev.evently.idempotency;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

class PostgresJdbcIdempotentHandlerIT extends JdbcIdempotentHandlerContract {
  private HikariDataSource ds;

  @Override
  protected DataSource dataSource() {
    return ds = TestDatabases.postgres("idem_handler");
  }

  @AfterEach
  void drop() {
    TestDatabases.dropPostgres(ds);
  }
}
