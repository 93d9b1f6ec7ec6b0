package dev.evently.notifications;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** An H2 file {@code DATABASE_URL} with another {@code WRITE_DELAY} than 0 stops the start, naming the variable. */
class DurableDatabaseTest {
  @Test
  void anH2FileUrlWithAWriteDelayIsRefusedNamingDatabaseUrl(@TempDir java.nio.file.Path dir) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(NotificationApplication.class)
        .web(WebApplicationType.NONE);

    // command-line arguments: above application.properties, as DATABASE_URL is
    assertThatThrownBy(() -> app.run(
            "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=500",
            "--evently.consumers.notification-service.auto-startup=false",
            "--evently.aws.region=us-east-1"))
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("DATABASE_URL: ")
        .hasMessageContaining("WRITE_DELAY")
        .hasMessageNotContaining("500");
  }
}
