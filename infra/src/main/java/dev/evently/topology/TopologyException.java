package dev.evently.topology;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology file that cannot be used. Every problem names the file, the line and column of the
 * offending key or value, and the field's path (for example
 * {@code services.customer-service.queues[0].visibilityTimeout}). The message lists all problems
 * found, one per line, in the form {@code file:line:column: field 'path': problem}.
 */
public final class TopologyException extends RuntimeException {

  /** One problem in a topology file; {@code line} and {@code column} are 1-based. */
  public record Problem(Path file, int line, int column, String field, String message) {
    @Override
    public String toString() {
      String where = file + ":" + line + ":" + column + ": ";
      return field.isEmpty() ? where + message : where + "field '" + field + "': " + message;
    }
  }

  private final List<Problem> problems;

  public TopologyException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    this.problems = List.copyOf(problems);
  }

  /** All problems, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  /** The file of the first problem. */
  public Path getFile() {
    return problems.get(0).file();
  }

  /** The 1-based line of the first problem. */
  public int getLine() {
    return problems.get(0).line();
  }

  /** The 1-based column of the first problem. */
  public int getColumn() {
    return problems.get(0).column();
  }

  /** The field path of the first problem ({@code ""} for a syntax error). */
  public String getField() {
    return problems.get(0).field();
  }
}
