package dev.evently.event;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The closed set of event types a service knows: each type name (the CloudEvents {@code type})
 * maps to exactly one Java record. Decoding only ever instantiates classes registered here, never
 * a class named by the message.
 *
 * <p>Name types explicitly, reverse-DNS style, so that two bounded contexts with an {@code
 * OrderCreated} do not collide and foreign producers need not know Java class names:
 *
 * <pre>{@code
 * EventTypes types = EventTypes.builder()
 *     .register("com.example.order.created", OrderCreated.class)
 *     .build();
 * }</pre>
 *
 * <p>{@link Builder#register(Class)} (the simple class name) is a fallback for tests and
 * prototypes. A consumer's handlers must be for registered types ({@code SqsConsumer.Builder#build}
 * fails otherwise).
 *
 * <p>Immutable and thread-safe once built.
 */
public final class EventTypes {
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Map<String, Class<?>> byName;
  private final Map<Class<?>, String> byClass;

  private EventTypes(Map<String, Class<?>> byName, Map<Class<?>, String> byClass) {
    this.byName = Map.copyOf(byName);
    this.byClass = Map.copyOf(byClass);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The record class registered for {@code typeName}, if any. */
  public Optional<Class<?>> classOf(String typeName) {
    return Optional.ofNullable(byName.get(typeName));
  }

  /** The type name registered for {@code dataClass}, if any. */
  public Optional<String> nameOf(Class<?> dataClass) {
    return Optional.ofNullable(byClass.get(dataClass));
  }

  /** The type name for {@code dataClass}; throws if it is not registered. */
  public String requireName(Class<?> dataClass) {
    return nameOf(dataClass)
        .orElseThrow(
            () -> new IllegalArgumentException("event class " + dataClass.getName() + " is not registered"));
  }

  public Set<String> names() {
    return byName.keySet();
  }

  /** A new event of the registered type of {@code data}, with a random id and the current time. */
  public <T> Event<T> event(String source, T data) {
    return Event.of(requireName(data.getClass()), source, data);
  }

  /** Registers record types under their names; a name or a class may be registered once. */
  public static final class Builder {
    private final Map<String, Class<?>> byName = new LinkedHashMap<>();
    private final Map<Class<?>, String> byClass = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Registers {@code recordClass} under {@code typeName}, e.g. {@code com.example.order.created}:
     * 1-128 characters, letters, digits, '.', '_' and '-', starting with a letter or digit.
     *
     * @throws IllegalArgumentException if the name is malformed, the class is not a record, or
     *     the name or the class is registered already
     */
    public Builder register(String typeName, Class<?> recordClass) {
      if (typeName == null || !TYPE_NAME.matcher(typeName).matches()) {
        throw new IllegalArgumentException(
            "typeName must match " + TYPE_NAME.pattern() + " but was '" + typeName + "'");
      }
      if (recordClass == null || !recordClass.isRecord()) {
        throw new IllegalArgumentException("recordClass for '" + typeName + "' must be a record");
      }
      if (byName.containsKey(typeName)) {
        throw new IllegalArgumentException("typeName '" + typeName + "' is registered twice");
      }
      if (byClass.containsKey(recordClass)) {
        throw new IllegalArgumentException(
            "recordClass " + recordClass.getName() + " is registered twice");
      }
      byName.put(typeName, recordClass);
      byClass.put(recordClass, typeName);
      return this;
    }

    /**
     * Registers a record class under its simple name ({@code OrderCreated}): a fallback for tests
     * and prototypes. Simple names collide across bounded contexts and make foreign producers
     * depend on Java class names; prefer {@link #register(String, Class)}.
     */
    public Builder register(Class<?> recordClass) {
      return register(recordClass.getSimpleName(), recordClass);
    }

    public EventTypes build() {
      return new EventTypes(byName, byClass);
    }
  }
}
