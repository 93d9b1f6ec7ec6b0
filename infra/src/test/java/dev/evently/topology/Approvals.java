package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Approved-output checks: generated text must equal {@code src/test/resources/approved/NAME}.
 * Run with {@code -Dapprove=true} to (re)write the approved files, then review the diff.
 */
final class Approvals {
  private static final Path APPROVED = Path.of("src/test/resources/approved");
  private static final Path RECEIVED = Path.of("target/approvals-received");

  private Approvals() {}

  static void verify(String name, String actual) {
    Path approved = APPROVED.resolve(name);
    try {
      if (Boolean.getBoolean("approve")) {
        Files.createDirectories(APPROVED);
        Files.writeString(approved, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(approved)) {
        throw new AssertionError("no approved output " + approved + "; run with -Dapprove=true and review it");
      }
      String expected = Files.readString(approved, StandardCharsets.UTF_8);
      if (!expected.equals(actual)) {
        Files.createDirectories(RECEIVED);
        Files.writeString(RECEIVED.resolve(name), actual, StandardCharsets.UTF_8);
      }
      assertThat(actual).as("generated output differs from %s (received copy in %s)", approved, RECEIVED.resolve(name))
          .isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
