package dev.evently.topology.internal;

import dev.evently.topology.TopologyException;
import dev.evently.topology.TopologyException.Problem;
import dev.evently.topology.internal.YamlTree.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one topology file, so that all of them are reported at once. */
final class Problems {
  private final Path file;
  private final List<Problem> problems = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  void add(Location at, String field, String message) {
    problems.add(new Problem(file, at.line(), at.column(), field, message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
      throw new TopologyException(sorted);
    }
  }
}
