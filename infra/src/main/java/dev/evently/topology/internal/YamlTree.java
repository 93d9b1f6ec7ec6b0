package dev.evently.topology.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.evently.topology.TopologyException;
import dev.evently.topology.TopologyException.Problem;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML document parsed to a tree that remembers where each key and value was written. */
public final class YamlTree {

  public record Location(int line, int column) {}

  public sealed interface Node permits MapNode, ListNode, ScalarNode {
    Location location();

    /** A short name for the node's type, for error messages. */
    String kind();
  }

  public record Entry(String key, Location keyLocation, Node value) {}

  public record MapNode(Location location, Map<String, Entry> entries) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  public record ListNode(Location location, List<Node> items) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar; {@code token} is VALUE_STRING, VALUE_NUMBER_INT/FLOAT, VALUE_TRUE/FALSE or VALUE_NULL. */
  public record ScalarNode(Location location, JsonToken token, String text) implements Node {
    @Override
    public String kind() {
      return switch (token) {
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT -> "an integer";
        case VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> "empty";
      };
    }

    public boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final Path file;

  private YamlTree(Path file) {
    this.file = file;
  }

  /** Parses {@code yaml}; {@code file} names it in errors. An empty document yields a null scalar. */
  public static Node parse(Reader yaml, Path file) {
    return new YamlTree(file).parseDocument(yaml);
  }

  public static Node parse(String yaml, Path file) {
    return parse(new StringReader(yaml), file);
  }

  private Node parseDocument(Reader yaml) {
    try (JsonParser parser = FACTORY.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new ScalarNode(new Location(1, 1), JsonToken.VALUE_NULL, "");
      }
      Node root = read(parser, "");
      if (parser.nextToken() != null) {
        throw fail(parser.currentTokenLocation(), "", "only one YAML document is allowed");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw fail(at, "", "not valid YAML: " + summary(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new TopologyException(List.of(new Problem(file, 1, 1, "", "cannot read: " + e.getMessage())));
    }
  }

  private Node read(JsonParser parser, String path) throws IOException {
    JsonToken token = parser.currentToken();
    Location at = location(parser.currentTokenLocation());
    switch (token) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          Location keyAt = location(parser.currentTokenLocation());
          String childPath = path.isEmpty() ? key : path + "." + key;
          parser.nextToken();
          Node value = read(parser, childPath);
          if (entries.containsKey(key)) {
            Location first = entries.get(key).keyLocation();
            throw new TopologyException(List.of(new Problem(file, keyAt.line(), keyAt.column(), childPath,
                "duplicate key (first defined on line " + first.line() + ")")));
          }
          entries.put(key, new Entry(key, keyAt, value));
        }
        return new MapNode(at, entries);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        int i = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(parser, path + "[" + i++ + "]"));
        }
        return new ListNode(at, items);
      }
      case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
        return new ScalarNode(at, token, token == JsonToken.VALUE_NULL ? "" : parser.getText());
      }
      default -> throw fail(parser.currentTokenLocation(), path, "unsupported YAML construct " + token);
    }
  }

  /** SnakeYAML's messages quote the source over several lines; keep only the sentences. */
  private static String summary(String message) {
    return message == null ? "" : message.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("in '") && !l.startsWith("^"))
        .map(String::strip)
        .collect(java.util.stream.Collectors.joining("; "));
  }

  private TopologyException fail(JsonLocation at, String field, String message) {
    Location l = location(at);
    return new TopologyException(List.of(new Problem(file, l.line(), l.column(), field, message)));
  }

  private static Location location(JsonLocation at) {
    if (at == null) {
      return new Location(1, 1);
    }
    return new Location(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
  }
}
