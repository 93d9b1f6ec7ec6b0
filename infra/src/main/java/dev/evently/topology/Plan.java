package dev.evently.topology;

import java.util.ArrayList;
import java.util.List;

/** The changes that make the live endpoint match the topology file, in the order they apply. Immutable. */
public record Plan(List<Change> changes) {

  public Plan {
    changes = List.copyOf(changes);
  }

  /** True when the live endpoint already matches the file. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public long count(Change.Action action) {
    return changes.stream().filter(c -> c.action() == action).count();
  }

  /** Human-readable: one line per change (see {@link Change#lines()}), then a summary line. */
  public String render() {
    List<String> lines = new ArrayList<>();
    changes.forEach(c -> lines.addAll(c.lines()));
    lines.add(isEmpty() ? "No changes: the endpoint matches the topology."
        : "Plan: " + count(Change.Action.CREATE) + " to create, " + count(Change.Action.UPDATE) + " to update, "
            + count(Change.Action.DELETE) + " to delete.");
    return String.join("\n", lines) + "\n";
  }
}
