package dev.evently.spring;

import dev.evently.event.EventCodec;
import dev.evently.jdbc.EventlyMigrations;
import dev.evently.outbox.Outbox;
import dev.evently.outbox.OutboxRelay;
import dev.evently.spring.internal.OutboxRelayLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * With {@code evently.outbox.enabled=true}: the outbox tables migrated on the application's {@link
 * DataSource} ({@code evently.outbox.migrate}), a {@link TransactionalOutbox} that writes in
 * Spring's current transaction, and the relay, run as a lifecycle bean. Needs spring-jdbc (e.g.
 * {@code spring-boot-starter-jdbc}) and a DataSource; without one the start fails naming the
 * property.
 */
@AutoConfiguration(
    after = EventlyAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"
    })
@ConditionalOnClass(DataSourceUtils.class)
@ConditionalOnProperty(prefix = "evently.outbox", name = "enabled", havingValue = "true")
public class EventlyOutboxAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Outbox eventlyOutbox(EventCodec codec, EventlyProperties properties, ObjectProvider<DataSource> dataSource) {
    EventlyProperties.Outbox options = properties.outbox();
    DataSource ds = requireDataSource(dataSource);
    String table = options.table() != null ? options.table() : EventlyMigrations.DEFAULT_OUTBOX_TABLE;
    if (options.migrate()) {
      if (!ClassUtils.isPresent("org.flywaydb.core.Flyway", EventlyOutboxAutoConfiguration.class.getClassLoader())) {
        throw new IllegalStateException("evently.outbox.migrate=true needs Flyway (org.flywaydb:flyway-core) on the"
            + " classpath; add it, or set evently.outbox.migrate=false and create the table yourself");
      }
      EventlyMigrations.migrate(relayDataSource(ds), EventlyMigrations.Options.defaults().withOutboxTable(table));
    }
    return Outbox.builder().codec(codec).table(table).build();
  }

  @Bean
  @ConditionalOnMissingBean
  TransactionalOutbox eventlyTransactionalOutbox(Outbox outbox, ObjectProvider<DataSource> dataSource,
      EventPublishers publishers, EventCodec codec, EventlyProperties properties, Environment environment) {
    String source = properties.source() != null
        ? properties.source()
        : environment.getProperty("spring.application.name", "application");
    return new TransactionalOutbox(outbox, requireDataSource(dataSource), publishers, codec.types(), source);
  }

  @Bean
  OutboxRelayLifecycle eventlyOutboxRelay(Outbox outbox, ObjectProvider<DataSource> dataSource,
      EventPublishers publishers, EventlyProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
    EventlyProperties.Outbox options = properties.outbox();
    DataSource ds = relayDataSource(requireDataSource(dataSource));
    Duration flush = options.flushTimeout() != null ? options.flushTimeout() : Duration.ofSeconds(5);
    return new OutboxRelayLifecycle(() -> {
      OutboxRelay.Builder builder = OutboxRelay.builder().dataSource(ds).outbox(outbox)
          .publishers(topic -> publishers.find(topic).orElse(null));
      if (options.batchSize() != null) builder.batchSize(options.batchSize());
      if (options.concurrency() != null) builder.concurrency(options.concurrency());
      if (options.pollInterval() != null) {
        Duration max = options.pollInterval();
        builder.pollInterval(max.compareTo(Duration.ofMillis(10)) < 0 ? max : Duration.ofMillis(10), max);
      }
      if (options.retention() != null) builder.retention(options.retention());
      meterRegistry.ifAvailable(builder::meterRegistry);
      return builder.build();
    }, flush);
  }

  private static DataSource requireDataSource(ObjectProvider<DataSource> dataSource) {
    DataSource ds = dataSource.getIfUnique();
    if (ds == null) {
      throw new IllegalStateException("evently.outbox.enabled=true needs one DataSource bean (e.g."
          + " spring-boot-starter-jdbc with spring.datasource.url); found none or several");
    }
    return ds;
  }

  /** The relay and the migrations run their own transactions: never through a transaction-aware proxy. */
  private static DataSource relayDataSource(DataSource ds) {
    return ds instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null
        ? proxy.getTargetDataSource()
        : ds;
  }
}
