package dev.evently.jdbc;

import dev.evently.jdbc.internal.Dialect;
import dev.evently.jdbc.internal.Jdbc;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Creates the tables of the transactional outbox and of the JDBC idempotency store with the
 * Flyway migrations shipped in this jar, under {@code classpath:db/evently/postgresql} and {@code
 * classpath:db/evently/h2}.
 *
 * <p>The migrations use the placeholders {@code ${evently_outbox_table}} and {@code
 * ${evently_dedup_table}} for the table names, and record themselves in their own history table
 * ({@value #DEFAULT_HISTORY_TABLE} by default), so they live beside a service's own Flyway
 * migrations without touching them. A service that prefers to own its schema can instead copy the
 * SQL files into its own migrations (replacing the placeholders) and never call this class.
 *
 * <p>Flyway is an optional dependency of messaging-core: add {@code org.flywaydb:flyway-core}
 * (and {@code flyway-database-postgresql} for PostgreSQL) to use this class. The stores and the
 * outbox themselves only need JDBC.
 */
public final class EventlyMigrations {
  public static final String DEFAULT_OUTBOX_TABLE = "evently_outbox";
  public static final String DEFAULT_DEDUP_TABLE = "evently_processed_events";
  public static final String DEFAULT_HISTORY_TABLE = "evently_schema_history";

  private EventlyMigrations() {}

  /** Applies pending migrations with the default table names; returns how many ran. */
  public static int migrate(DataSource dataSource) {
    return migrate(dataSource, Options.defaults());
  }

  /**
   * Applies pending migrations for the database behind {@code dataSource} (PostgreSQL or H2) into
   * its current schema, or {@link Options#schema()} when set; returns how many ran. Safe to call
   * at every start-up and from several instances at once (Flyway locks its history table).
   *
   * @throws IllegalArgumentException for a database other than PostgreSQL or H2
   * @throws org.flywaydb.core.api.FlywayException when a migration fails
   */
  public static int migrate(DataSource dataSource, Options options) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    Dialect dialect = Dialect.of(dataSource);
    FluentConfiguration config =
        Flyway.configure(EventlyMigrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:db/evently/" + dialect.folder())
            .table(options.historyTable())
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .placeholders(
                Map.of(
                    "evently_outbox_table", options.outboxTable(),
                    "evently_dedup_table", options.dedupTable()));
    if (options.schema() != null) {
      config.schemas(options.schema()).defaultSchema(options.schema()).createSchemas(true);
    }
    return config.load().migrate().migrationsExecuted;
  }

  /**
   * Table names (unqualified SQL identifiers) and the schema to create them in (null = the
   * connection's current schema).
   */
  public record Options(String outboxTable, String dedupTable, String historyTable, String schema) {
    public Options {
      requireName(outboxTable, "outboxTable");
      requireName(dedupTable, "dedupTable");
      requireName(historyTable, "historyTable");
      if (schema != null) {
        requireName(schema, "schema");
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_OUTBOX_TABLE, DEFAULT_DEDUP_TABLE, DEFAULT_HISTORY_TABLE, null);
    }

    public Options withOutboxTable(String table) {
      return new Options(table, dedupTable, historyTable, schema);
    }

    public Options withDedupTable(String table) {
      return new Options(outboxTable, table, historyTable, schema);
    }

    public Options withHistoryTable(String table) {
      return new Options(outboxTable, dedupTable, table, schema);
    }

    public Options withSchema(String newSchema) {
      return new Options(outboxTable, dedupTable, historyTable, newSchema);
    }

    private static void requireName(String name, String field) {
      if (Jdbc.requireTableName(name, field).contains(".")) {
        throw new IllegalArgumentException(field + " must not be schema-qualified: use schema()");
      }
    }
  }
}
