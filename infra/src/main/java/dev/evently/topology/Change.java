package dev.evently.topology;

import java.util.List;
import java.util.Objects;

/**
 * One difference between the topology file and the live endpoint, and what {@code apply} does
 * (or did) about it. Names are AWS resource names.
 *
 * @param action create, update or delete
 * @param kind what kind of resource
 * @param name the resource ({@code topic -> queue} for subscriptions)
 * @param attributes for updates, each attribute that differs; empty otherwise
 */
public record Change(Action action, Kind kind, String name, List<AttributeChange> attributes) {

  public enum Action {
    CREATE("+", "create"),
    UPDATE("~", "update"),
    DELETE("-", "delete");

    private final String symbol;
    private final String verb;

    Action(String symbol, String verb) {
      this.symbol = symbol;
      this.verb = verb;
    }
  }

  public enum Kind {
    TOPIC("topic"),
    QUEUE("queue"),
    QUEUE_POLICY("queue policy"),
    SUBSCRIPTION("subscription"),
    BUCKET("payload bucket");

    private final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One attribute of an update: its live value and the value from the file. */
  public record AttributeChange(String attribute, String before, String after) {}

  public Change {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    attributes = List.copyOf(attributes);
  }

  static Change create(Kind kind, String name) {
    return new Change(Action.CREATE, kind, name, List.of());
  }

  static Change delete(Kind kind, String name) {
    return new Change(Action.DELETE, kind, name, List.of());
  }

  /**
   * One line per change, or per attribute of an update, e.g. {@code + create queue orders} or
   * {@code ~ update queue orders: VisibilityTimeout 30 -> 60}.
   */
  public List<String> lines() {
    String head = action.symbol + " " + action.verb + " " + kind.label + " " + name;
    if (attributes.isEmpty()) {
      return List.of(head);
    }
    return attributes.stream().map(a -> head + ": " + a.attribute() + " " + a.before() + " -> " + a.after()).toList();
  }
}
