package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {
  @Test
  void theDefaultUrlIsDurableAsItIs() {
    String url = Database.defaultUrl("order-service");

    assertThat(url).isEqualTo("jdbc:h2:file:./data/order-service;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000");
    assertThat(Database.durable(url, "DATABASE_URL")).isEqualTo(url);
  }

  @Test
  void aPlainH2FileUrlGetsWriteDelayZero() {
    assertThat(Database.durable("jdbc:h2:file:./data/orders", "DATABASE_URL"))
        .isEqualTo("jdbc:h2:file:./data/orders;WRITE_DELAY=0");
    assertThat(Database.durable("jdbc:h2:./data/orders;LOCK_TIMEOUT=5000", "DATABASE_URL"))
        .isEqualTo("jdbc:h2:./data/orders;LOCK_TIMEOUT=5000;WRITE_DELAY=0");
    assertThat(Database.durable("JDBC:H2:FILE:/tmp/x;write_delay=0", "DATABASE_URL"))
        .isEqualTo("JDBC:H2:FILE:/tmp/x;write_delay=0");
  }

  @Test
  void anH2FileUrlWithAnotherWriteDelayIsRefusedNamingTheProperty() {
    assertThatThrownBy(() -> Database.durable("jdbc:h2:file:./data/orders;WRITE_DELAY=500", "DATABASE_URL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("DATABASE_URL: an H2 file database must write each commit before it returns")
        .hasMessageContaining("set WRITE_DELAY=0 or leave it out");
  }

  @Test
  void otherDatabasesAreLeftAlone() {
    for (String url : new String[] {
        "jdbc:postgresql://127.0.0.1:5432/test?user=root",
        "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1",
        "jdbc:h2:tcp://localhost/~/orders",
        "jdbc:h2:mem:x;WRITE_DELAY=500"}) {
      assertThat(Database.durable(url, "DATABASE_URL")).isEqualTo(url);
    }
  }
}
