package dev.evently.outbox;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

class H2OutboxTest extends OutboxContract {
  private HikariDataSource ds;

  @Override
  protected DataSource dataSource() {
    return ds = TestDatabases.h2("outbox");
  }

  @AfterEach
  void close() {
    ds.close();
  }
}
