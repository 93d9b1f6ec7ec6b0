package dev.evently.idempotency;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

class H2JdbcIdempotentHandlerTest extends JdbcIdempotentHandlerContract {
  private HikariDataSource ds;

  @Override
  protected DataSource dataSource() {
    return ds = TestDatabases.h2("idempotent-handler");
  }

  @AfterEach
  void close() {
    ds.close();
  }
}
