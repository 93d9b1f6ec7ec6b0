package dev.evently.customers;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import java.util.UUID;

/** The idempotency-key contract on H2, the services' default database (same lock timeout). */
class IdempotencyKeyH2Test extends IdempotencyKeyContract {
  @Override
  HikariDataSource openDatabase() {
    HikariDataSource ds =
        Database.open("jdbc:h2:mem:keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "test", 12);
    Database.migrate(ds, "db/customers", "customers_schema_history");
    return ds;
  }

  @Override
  void dropDatabase(HikariDataSource dataSource) {
    dataSource.close();
  }
}
