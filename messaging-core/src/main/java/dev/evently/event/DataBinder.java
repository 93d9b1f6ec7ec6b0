package dev.evently.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds an event's JSON {@code data} to its registered record. A failure names the JSON path and
 * the expected type, never the value: Jackson's own messages quote the input, so they are never
 * used.
 */
final class DataBinder {
  private static final Pattern MISSING_PROPERTY = Pattern.compile("^Missing (?:required )?creator property '([^']{1,100})'");
  private static final int MAX_RECORD_MESSAGE = 200;

  private final ObjectMapper mapper;

  DataBinder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** {@code data} as a {@code dataClass}; {@code type} and {@code id} are for the exception. */
  Object bind(JsonNode data, Class<?> dataClass, String type, String id) throws EventDecodingException {
    Object value;
    try {
      value = mapper.treeToValue(data, dataClass);
    } catch (ValueInstantiationException e) {
      throw invalid(path(e) + ": rejected by " + dataClass.getSimpleName() + ": " + recordMessage(e.getCause()), type, id);
    } catch (MismatchedInputException e) {
      throw invalid(mismatch(e), type, id);
    } catch (JsonMappingException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw invalid(path(e) + ": does not fit (" + why.getClass().getSimpleName() + ")", type, id);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw invalid("data: cannot be read as " + dataClass.getSimpleName() + " (" + e.getClass().getSimpleName() + ")", type, id);
    }
    if (value == null) {
      throw invalid("data is null", type, id);
    }
    return value;
  }

  private static String mismatch(MismatchedInputException e) {
    String original = e.getOriginalMessage();
    Matcher missing = MISSING_PROPERTY.matcher(original == null ? "" : original);
    String expected = e.getTargetType() == null ? "" : ", expected " + describe(e.getTargetType());
    if (missing.find()) { // the name is a component of our record, not input
      String path = path(e);
      return (path.endsWith("." + missing.group(1)) ? path : path + "." + missing.group(1)) + ": missing" + expected;
    }
    if (original != null && original.startsWith("Cannot map `null`")) {
      return path(e) + ": missing or null" + expected;
    }
    return path(e) + ":" + (expected.isEmpty() ? " does not fit" : expected.substring(1));
  }

  /**
   * The record's own message when it rejects its data: an {@link IllegalArgumentException} or
   * {@link NullPointerException} (exactly those classes, the convention for "field must ...";
   * a record must name the field, never quote the value); for anything else only its class.
   */
  private static String recordMessage(Throwable cause) {
    if (cause == null) {
      return "invalid";
    }
    boolean conventional =
        cause.getClass() == IllegalArgumentException.class || cause.getClass() == NullPointerException.class;
    String message = cause.getMessage();
    if (!conventional || message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    String line = message.lines().findFirst().orElse(message);
    return line.length() <= MAX_RECORD_MESSAGE ? line : line.substring(0, MAX_RECORD_MESSAGE - 3) + "...";
  }

  /** The JSON path of the error, from {@code data}: {@code data.items[2].sku}; map keys as {@code {key}}. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder("data");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        boolean mapKey = ref.getFrom() instanceof Map || (ref.getFrom() instanceof Class<?> c && Map.class.isAssignableFrom(c));
        path.append('.').append(mapKey ? "{key}" : ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** What a JSON value of {@code type} looks like, with the Java type. */
  static String describe(Class<?> type) {
    String kind;
    if (type == String.class || type == char.class || type == Character.class || CharSequence.class.isAssignableFrom(type)) {
      kind = "a string";
    } else if (type == boolean.class || type == Boolean.class) {
      kind = "a boolean";
    } else if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      kind = "a number";
    } else if (type.isEnum()) {
      kind = "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
    } else if (Temporal.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)) {
      kind = "an ISO-8601 string";
    } else if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      kind = "an array";
    } else {
      kind = "an object";
    }
    return kind + " (" + type.getSimpleName() + ")";
  }

  private static EventDecodingException invalid(String message, String type, String id) {
    return new EventDecodingException(DecodeFailure.INVALID_DATA, message, id, type, null);
  }
}
