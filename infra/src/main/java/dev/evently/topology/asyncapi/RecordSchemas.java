package dev.evently.topology.asyncapi;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaKeyword;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.generator.impl.PropertySortUtils;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.RecordComponent;
import java.util.Optional;

/**
 * The JSON Schema (draft 07) of an event record's data as {@code EventCodec} reads and writes it with
 * Jackson, made by victools' jsonschema-generator: an object with one property per record component,
 * in declaration order, every component required (the codec refuses an event that lacks one)
 * except {@link Optional} ones and those the codec lets be absent ({@code @JacksonInject(optional =
 * TRUE)}, e.g. {@code OrderCreated.note}), other members allowed (producers may add fields). Nested types are
 * inlined, {@code Optional<T>} is described as {@code T}, date-times carry {@code format}. The
 * schema has no {@code $schema} member, so that it can be embedded in another document.
 * Thread-safe.
 */
public final class RecordSchemas {
  private final SchemaGenerator generator;

  public RecordSchemas() {
    SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_7, OptionPreset.PLAIN_JSON)
        .with(Option.FLATTENED_OPTIONALS, Option.INLINE_ALL_SCHEMAS, Option.EXTRA_OPEN_API_FORMAT_VALUES)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    config.forTypesInGeneral().withPropertySorter(PropertySortUtils.SORT_PROPERTIES_FIELDS_BEFORE_METHODS);
    // nested records too: every component but an optional one is required
    config.forFields().withRequiredCheck(f -> f.getDeclaringType().getErasedType().isRecord()
        && f.getType() != null && !optional(f.getType().getErasedType(), f.getRawMember()));
    this.generator = new SchemaGenerator(config.build());
  }

  /** The schema of {@code type}, titled with its simple name. */
  public ObjectNode schema(Class<? extends Record> type) {
    ObjectNode generated = generator.generateSchema(type);
    ObjectNode schema = generated.objectNode().put("type", "object").put("title", type.getSimpleName());
    JsonNode properties = generated.path(SchemaKeyword.TAG_PROPERTIES.forVersion(SchemaVersion.DRAFT_7));
    ObjectNode ordered = schema.putObject("properties");
    ArrayNode required = schema.putArray("required");
    for (RecordComponent c : type.getRecordComponents()) {
      ordered.set(c.getName(), properties.path(c.getName()).deepCopy());
      if (!optional(c.getType(), c.getAccessor())) {
        required.add(c.getName());
      }
    }
    return schema;
  }

  /** Whether the codec decodes an event without this component: an Optional, or an optional injection. */
  private static boolean optional(Class<?> type, AnnotatedElement member) {
    JacksonInject inject = member.getAnnotation(JacksonInject.class);
    return type == Optional.class || (inject != null && inject.optional() == OptBoolean.TRUE);
  }
}
