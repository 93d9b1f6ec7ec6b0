package dev.evently.topology;

import dev.evently.topology.TopologyException.Problem;
import dev.evently.topology.internal.TopologyReader;
import dev.evently.topology.internal.YamlTree;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads topology files. Stateless and thread-safe.
 *
 * <p>Every problem is reported as a {@link TopologyException} naming the file, the line and column
 * of the offending key or value, and the field's path; all problems of a file are reported at once.
 */
public final class TopologyLoader {
  /** Where the CLI looks by default, relative to the working directory (the repository root). */
  public static final Path DEFAULT_PATH = Path.of("infra", "topology.yaml");

  private TopologyLoader() {}

  /** Reads and validates the YAML file at {@code file}. */
  public static Topology load(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return TopologyReader.read(YamlTree.parse(reader, file), file);
    } catch (NoSuchFileException e) {
      throw new TopologyException(List.of(new Problem(file, 1, 1, "", "no such file")));
    } catch (IOException e) {
      throw new TopologyException(List.of(new Problem(file, 1, 1, "", "cannot read: " + e.getMessage())));
    }
  }

  /** Reads and validates {@code yaml}; {@code source} names it in error messages. */
  public static Topology parse(String yaml, Path source) {
    return TopologyReader.read(YamlTree.parse(yaml, source), source);
  }
}
