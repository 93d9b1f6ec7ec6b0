package dev.evently.topology.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evently.topology.internal.YamlTree.ListNode;
import dev.evently.topology.internal.YamlTree.MapNode;
import dev.evently.topology.internal.YamlTree.Node;
import dev.evently.topology.internal.YamlTree.ScalarNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Optional;

/** JSON helpers: one mapper, stable pretty printing, tolerant parsing of attribute values. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withArrayEmptySeparator("").withObjectEmptySeparator(""))
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Two-space indented JSON with a final newline. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writer(PRETTY).writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text}; empty when it is null, blank or not JSON. */
  public static Optional<JsonNode> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Converts a parsed YAML node to JSON. */
  static JsonNode toJson(Node node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MapNode m) {
      ObjectNode o = f.objectNode();
      m.entries().values().forEach(e -> o.set(e.key(), toJson(e.value())));
      return o;
    }
    if (node instanceof ListNode l) {
      ArrayNode a = f.arrayNode();
      l.items().forEach(i -> a.add(toJson(i)));
      return a;
    }
    ScalarNode s = (ScalarNode) node;
    JsonToken t = s.token();
    return switch (t) {
      case VALUE_NUMBER_INT -> f.numberNode(new java.math.BigInteger(s.text()).longValueExact());
      case VALUE_NUMBER_FLOAT -> f.numberNode(new BigDecimal(s.text()));
      case VALUE_TRUE -> f.booleanNode(true);
      case VALUE_FALSE -> f.booleanNode(false);
      case VALUE_NULL -> f.nullNode();
      default -> f.textNode(s.text());
    };
  }
}
