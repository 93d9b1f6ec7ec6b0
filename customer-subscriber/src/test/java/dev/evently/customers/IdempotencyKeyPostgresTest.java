package dev.evently.customers;

import com.zaxxer.hikari.HikariDataSource;
import dev.evently.service.Database;
import dev.evently.service.testing.TestDatabases;
import java.util.UUID;

/** The idempotency-key contract on the PostgreSQL at 127.0.0.1:5432, in a fresh schema per test (see {@link TestDatabases}). */
class IdempotencyKeyPostgresTest extends IdempotencyKeyContract {
  private String schema;

  @Override
  HikariDataSource openDatabase() {
    schema = "customers_keys_" + UUID.randomUUID().toString().substring(0, 8);
    HikariDataSource ds = TestDatabases.postgresSchema(schema, 12);
    Database.migrate(ds, "db/customers", "customers_schema_history");
    return ds;
  }

  @Override
  void dropDatabase(HikariDataSource dataSource) {
    TestDatabases.dropPostgresSchema(dataSource, schema);
  }
}
