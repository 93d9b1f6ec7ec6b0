package dev.evently.topology.asyncapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The JSON Schema (draft 07) of a Java record as {@code EventCodec} reads and writes it with
 * Jackson: an object with one property per component, every component required except {@link
 * Optional} ones, other members allowed (producers may add fields). Supported component types:
 * strings, numbers (primitive, boxed, {@link BigDecimal}, {@link BigInteger}), booleans, enums,
 * {@link Instant} and other date-times, {@link LocalDate}, {@link UUID}, {@link URI}, arrays and
 * collections, maps with string keys, {@link Optional} and nested records (inlined). Anything else
 * is refused with an {@link IllegalArgumentException} naming the component. Pure and thread-safe.
 */
public final class RecordSchemas {
  private final ObjectMapper json;

  public RecordSchemas(ObjectMapper json) {
    this.json = json;
  }

  /** The schema of {@code type}. */
  public ObjectNode schema(Class<? extends Record> type) {
    return record(type, new ArrayDeque<>());
  }

  private ObjectNode record(Class<?> type, Deque<Class<?>> path) {
    if (path.contains(type)) {
      throw new IllegalArgumentException("record " + type.getName() + " contains itself; recursive records are not supported");
    }
    path.push(type);
    ObjectNode schema = json.createObjectNode().put("type", "object").put("title", type.getSimpleName());
    ObjectNode properties = schema.putObject("properties");
    var required = schema.putArray("required");
    for (RecordComponent c : type.getRecordComponents()) {
      Type t = c.getGenericType();
      boolean optional = c.getType() == Optional.class;
      if (optional) {
        t = argument(t, 0, type, c.getName());
      } else {
        required.add(c.getName());
      }
      properties.set(c.getName(), of(t, path, type.getSimpleName() + "." + c.getName()));
    }
    path.pop();
    return schema;
  }

  private ObjectNode of(Type type, Deque<Class<?>> path, String field) {
    if (type instanceof GenericArrayType a) {
      return array(of(a.getGenericComponentType(), path, field + "[]"));
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      if (Collection.class.isAssignableFrom(raw)) {
        return array(of(p.getActualTypeArguments()[0], path, field + "[]"));
      }
      if (Map.class.isAssignableFrom(raw) && p.getActualTypeArguments()[0] == String.class) {
        ObjectNode map = json.createObjectNode().put("type", "object");
        map.set("additionalProperties", of(p.getActualTypeArguments()[1], path, field + "{}"));
        return map;
      }
      if (raw == Optional.class) {
        return of(p.getActualTypeArguments()[0], path, field);
      }
      throw unsupported(field, raw);
    }
    if (!(type instanceof Class<?> c)) {
      throw unsupported(field, null);
    }
    ObjectNode s = json.createObjectNode();
    if (c == String.class || c == char.class || c == Character.class) {
      return s.put("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return s.put("type", "boolean");
    }
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
        || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
      return s.put("type", "integer");
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class || c == BigDecimal.class) {
      return s.put("type", "number");
    }
    if (c == Instant.class || c == OffsetDateTime.class || c == ZonedDateTime.class) {
      return s.put("type", "string").put("format", "date-time");
    }
    if (c == LocalDate.class) {
      return s.put("type", "string").put("format", "date");
    }
    if (c == UUID.class) {
      return s.put("type", "string").put("format", "uuid");
    }
    if (c == URI.class) {
      return s.put("type", "string").put("format", "uri");
    }
    if (c.isEnum()) {
      var values = s.put("type", "string").putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return s;
    }
    if (c.isArray()) {
      return array(of(c.getComponentType(), path, field + "[]"));
    }
    if (c.isRecord()) {
      return record(c, path);
    }
    throw unsupported(field, c);
  }

  private ObjectNode array(ObjectNode items) {
    ObjectNode a = json.createObjectNode().put("type", "array");
    a.set("items", items);
    return a;
  }

  private static Type argument(Type type, int index, Class<?> owner, String component) {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[index];
    }
    throw unsupported(owner.getSimpleName() + "." + component, null);
  }

  private static IllegalArgumentException unsupported(String field, Class<?> type) {
    return new IllegalArgumentException("field '" + field + "': no JSON Schema for type "
        + (type == null ? "(generic)" : type.getName()));
  }
}
