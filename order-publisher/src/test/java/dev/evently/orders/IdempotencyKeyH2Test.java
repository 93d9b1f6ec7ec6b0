package dev.evently.orders;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.service.Database;
import dev.evently.service.testing.TestDatabases;

/** The idempotency-key contract on H2, the services' default database (same lock timeout). */
class IdempotencyKeyH2Test extends IdempotencyKeyContract {
  @Override
  HikariDataSource openDatabase() {
    HikariDataSource ds = TestDatabases.h2(12);
    EventlyMigrations.migrate(ds);
    Database.migrate(ds, "db/orders", "orders_schema_history");
    return ds;
  }

  @Override
  void dropDatabase(HikariDataSource dataSource) {
    dataSource.close();
  }
}
