package dev.evently.topology.internal;

import dev.evently.topology.FilterPolicyScope;
import dev.evently.topology.internal.YamlTree.Entry;
import dev.evently.topology.internal.YamlTree.ListNode;
import dev.evently.topology.internal.YamlTree.MapNode;
import dev.evently.topology.internal.YamlTree.Node;
import dev.evently.topology.internal.YamlTree.ScalarNode;
import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import java.util.Set;

/**
 * Checks SNS filter policy syntax: keys map to non-empty lists of strings, numbers or operator
 * objects ({@code prefix}, {@code suffix}, {@code anything-but}, {@code numeric}, {@code exists},
 * {@code equals-ignore-case}, {@code cidr}), {@code $or} to a list of policies; nested objects only
 * with the MessageBody scope; at most 5 keys and 150 value combinations (the SNS limits).
 */
final class FilterPolicyValidator {
  private static final int MAX_KEYS = 5;
  private static final int MAX_COMBINATIONS = 150;
  private static final Set<String> NUMERIC_OPS = Set.of("=", "<", "<=", ">", ">=");

  private final Problems problems;
  private final FilterPolicyScope scope;
  private int keys;

  private FilterPolicyValidator(Problems problems, FilterPolicyScope scope) {
    this.problems = problems;
    this.scope = scope;
  }

  /** Validates {@code policy} at {@code path}; returns false when a problem was reported. */
  static boolean validate(Node policy, String path, FilterPolicyScope scope, Problems problems) {
    FilterPolicyValidator v = new FilterPolicyValidator(problems, scope);
    if (!(policy instanceof MapNode map) || map.entries().isEmpty()) {
      problems.add(policy.location(), path, "a filter policy must be a non-empty mapping from keys to lists of values");
      return false;
    }
    long combinations = v.object(map, path, true);
    if (combinations < 0) {
      return false;
    }
    if (v.keys > MAX_KEYS) {
      problems.add(policy.location(), path, "a filter policy may use at most " + MAX_KEYS + " keys, found " + v.keys);
      return false;
    }
    if (combinations > MAX_COMBINATIONS) {
      problems.add(policy.location(), path,
          "a filter policy may have at most " + MAX_COMBINATIONS + " value combinations, found " + combinations);
      return false;
    }
    return true;
  }

  /** Returns the number of combinations, or -1 after reporting a problem. */
  private long object(MapNode map, String path, boolean top) {
    long product = 1;
    for (Entry e : map.entries().values()) {
      String p = path + "." + e.key();
      long c;
      if (e.key().equals("$or")) {
        c = or(e.value(), p);
      } else if (e.value() instanceof ListNode list) {
        keys++;
        c = values(list, p);
      } else if (e.value() instanceof MapNode nested && scope == FilterPolicyScope.MessageBody) {
        if (nested.entries().isEmpty()) {
          problems.add(nested.location(), p, "a nested filter must not be empty");
          return -1;
        }
        c = object(nested, p, false);
      } else {
        problems.add(e.value().location(), p, scope == FilterPolicyScope.MessageBody
            ? "must be a list of values or a nested mapping, was " + e.value().kind()
            : "must be a list of values (nested keys need filterPolicyScope: MessageBody), was " + e.value().kind());
        return -1;
      }
      if (c < 0) {
        return -1;
      }
      product *= c;
    }
    return product;
  }

  private long or(Node node, String path) {
    if (!(node instanceof ListNode list) || list.items().size() < 2) {
      problems.add(node.location(), path, "'$or' must be a list of at least two filter policies");
      return -1;
    }
    long sum = 0;
    for (int i = 0; i < list.items().size(); i++) {
      Node alt = list.items().get(i);
      if (!(alt instanceof MapNode m) || m.entries().isEmpty()) {
        problems.add(alt.location(), path + "[" + i + "]", "each '$or' alternative must be a non-empty mapping");
        return -1;
      }
      long c = object(m, path + "[" + i + "]", false);
      if (c < 0) {
        return -1;
      }
      sum += c;
    }
    return sum;
  }

  private long values(ListNode list, String path) {
    if (list.items().isEmpty()) {
      problems.add(list.location(), path, "the list of values must not be empty");
      return -1;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Node v = list.items().get(i);
      String p = path + "[" + i + "]";
      if (v instanceof ScalarNode s) {
        boolean nullOrBoolean = s.isNull() || s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE;
        if (nullOrBoolean && scope == FilterPolicyScope.MessageAttributes) {
          problems.add(s.location(), p, "null and booleans match only in body filters (filterPolicyScope: MessageBody)");
          return -1;
        }
      } else if (v instanceof MapNode op) {
        if (!operator(op, p)) {
          return -1;
        }
      } else {
        problems.add(v.location(), p, "a value must be a string, a number or an operator object, was " + v.kind());
        return -1;
      }
    }
    return list.items().size();
  }

  private boolean operator(MapNode op, String path) {
    if (op.entries().size() != 1) {
      problems.add(op.location(), path, "an operator object must have exactly one key");
      return false;
    }
    Entry e = op.entries().values().iterator().next();
    String p = path + "." + e.key();
    Node arg = e.value();
    return switch (e.key()) {
      case "prefix", "suffix" -> isString(arg) || (arg instanceof MapNode m && m.entries().size() == 1
          && m.entries().containsKey("equals-ignore-case") && isString(m.entries().get("equals-ignore-case").value()))
          || bad(arg, p, "must be a string");
      case "equals-ignore-case", "cidr" -> isString(arg) || bad(arg, p, "must be a string");
      case "exists" -> isBoolean(arg) || bad(arg, p, "must be true or false");
      case "anything-but" -> anythingBut(arg, p);
      case "numeric" -> numeric(arg, p);
      default -> bad(e.keyLocation(), p, "unknown filter operator '" + e.key()
          + "' (known: prefix, suffix, anything-but, numeric, exists, equals-ignore-case, cidr)");
    };
  }

  private boolean anythingBut(Node arg, String p) {
    if (isString(arg) || isNumber(arg)) {
      return true;
    }
    if (arg instanceof ListNode l && !l.items().isEmpty()
        && l.items().stream().allMatch(i -> isString(i) || isNumber(i))) {
      return true;
    }
    if (arg instanceof MapNode m && m.entries().size() == 1
        && (m.entries().containsKey("prefix") || m.entries().containsKey("suffix"))
        && isString(m.entries().values().iterator().next().value())) {
      return true;
    }
    return bad(arg, p, "must be a value, a non-empty list of values, or {prefix: ...} / {suffix: ...}");
  }

  private boolean numeric(Node arg, String p) {
    if (!(arg instanceof ListNode l) || (l.items().size() != 2 && l.items().size() != 4)) {
      return bad(arg, p, "must be [operator, number] or [lower-operator, number, upper-operator, number]");
    }
    List<Node> items = l.items();
    for (int i = 0; i < items.size(); i += 2) {
      Node op = items.get(i);
      if (!(op instanceof ScalarNode s) || !NUMERIC_OPS.contains(s.text()) || s.token() != JsonToken.VALUE_STRING) {
        return bad(op, p + "[" + i + "]", "must be one of =, <, <=, >, >=");
      }
      if (!isNumber(items.get(i + 1))) {
        return bad(items.get(i + 1), p + "[" + (i + 1) + "]", "must be a number");
      }
    }
    if (items.size() == 4) {
      String lower = ((ScalarNode) items.get(0)).text();
      String upper = ((ScalarNode) items.get(2)).text();
      if (!lower.startsWith(">") || !upper.startsWith("<")) {
        return bad(arg, p, "a range must be [>|>=, low, <|<=, high]");
      }
      double lo = Double.parseDouble(((ScalarNode) items.get(1)).text());
      double hi = Double.parseDouble(((ScalarNode) items.get(3)).text());
      if (lo >= hi) {
        return bad(arg, p, "the range is empty (" + lo + " >= " + hi + ")");
      }
    }
    return true;
  }

  private boolean bad(Node at, String path, String message) {
    return bad(at.location(), path, message);
  }

  private boolean bad(YamlTree.Location at, String path, String message) {
    problems.add(at, path, message);
    return false;
  }

  private static boolean isString(Node n) {
    return n instanceof ScalarNode s && s.token() == JsonToken.VALUE_STRING;
  }

  private static boolean isNumber(Node n) {
    return n instanceof ScalarNode s
        && (s.token() == JsonToken.VALUE_NUMBER_INT || s.token() == JsonToken.VALUE_NUMBER_FLOAT);
  }

  private static boolean isBoolean(Node n) {
    return n instanceof ScalarNode s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE);
  }
}
