package io.switchboard.contract.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import io.switchboard.contract.Agent;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentRequest;
import io.switchboard.contract.Answer;
import io.switchboard.contract.Call;
import io.switchboard.contract.Json;
import io.switchboard.contract.PresenceReport;
import io.switchboard.contract.Probe;
import io.switchboard.contract.Snapshot;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.contract.Voicemail;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas (draft 2020-12) of the wire types, generated from the contract's Java records with victools'
 * generator and its Jackson module, so that a schema says what Jackson writes. The rules the records cannot say
 * themselves:
 * <ul>
 *   <li>Jackson writes every component, null included: each is required, and a reference-typed one may be null.
 *       A record that leaves nulls out ({@code @JsonInclude(NON_NULL)}, {@link Probe}) requires none of them and
 *       never holds null.</li>
 *   <li>{@link AgentRequest}s are read by the gateway, which refuses a frame that lacks a field or holds null in one:
 *       required, never null.</li>
 *   <li>A record that names its own {@code type} ({@link Snapshot}, {@link Probe}) has it as a constant.</li>
 *   <li>A sealed type is exactly one of its subtypes: {@code oneOf}, each with its {@code type} as a constant.</li>
 *   <li>Objects are closed ({@code additionalProperties: false}): a field the Java types do not declare is drift.</li>
 * </ul>
 * {@link Agent}, {@link Call} and {@link Voicemail} have files of their own, which the frames that carry them reference.
 */
public final class WireSchemas {
    /** Each schema file and the type it describes, in the order the AsyncAPI document lists them. */
    public static final Map<String, Class<?>> FILES = files();

    /** The {@code type} of records that name their own. */
    private static final Map<Class<?>, String> FIXED_TYPES = Map.of(
            Snapshot.class, new Snapshot(0, List.of(), List.of(), List.of()).type(),
            Probe.class, Probe.TYPE);

    private WireSchemas() {
    }

    private static Map<String, Class<?>> files() {
        Map<String, Class<?>> files = new LinkedHashMap<>();
        for (Class<?> type : List.of(Snapshot.class, StateChange.class, Answer.class, Probe.class, AgentRequest.class,
                Agent.class, Call.class, Voicemail.class, TwilioEvent.class, AgentCommand.class, AgentReply.class,
                PresenceReport.class)) {
            files.put(fileOf(type), type);
        }
        return files;
    }

    public static String fileOf(Class<?> type) {
        return type.getSimpleName() + ".json";
    }

    /** Every schema file's name and content, generated now. */
    public static Map<String, ObjectNode> generate() {
        Map<String, ObjectNode> schemas = new LinkedHashMap<>();
        FILES.forEach((file, type) -> schemas.put(file, generate(type)));
        return schemas;
    }

    static ObjectNode generate(Class<?> type) {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(Json.MAPPER,
                SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY,
                        JacksonOption.INLINE_TRANSFORMED_SUBTYPES))
                .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES, Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT);
        // Properties in the order Jackson writes them: the record's.
        config.forTypesInGeneral().withPropertySorter((a, b) -> 0);
        config.forTypesInGeneral().withCustomDefinitionProvider((javaType, context) -> {
            Class<?> erased = javaType.getErasedType();
            if (erased == type || !FILES.containsValue(erased)) {
                return null;
            }
            ObjectNode reference = context.getGeneratorConfig().createObjectNode().put("$ref", fileOf(erased));
            return new CustomDefinition(reference, CustomDefinition.DefinitionType.INLINE,
                    CustomDefinition.AttributeInclusion.NO);
        });
        config.forFields().withRequiredCheck(field -> !omitsNulls(field) || fixedType(field) != null);
        config.forFields().withNullableCheck(WireSchemas::nullable);
        config.forFields().withEnumResolver(field -> {
            String fixed = fixedType(field);
            return fixed == null ? null : List.of(fixed);
        });
        // A resume from before the first change is 0; the gateway refuses a negative one.
        config.forFields().withNumberInclusiveMinimumResolver(field ->
                field.getDeclaringType().getErasedType() == AgentRequest.Resume.class ? BigDecimal.ZERO : null);
        ObjectNode schema = new SchemaGenerator(config.build()).generateSchema(type);
        if (type.isAnnotationPresent(JsonSubTypes.class) && schema.has("anyOf")) {
            // The subtypes' type constants exclude each other: exactly one applies.
            schema.set("oneOf", schema.remove("anyOf"));
        }
        typeFirst(schema);
        return schema;
    }

    private static Boolean nullable(FieldScope field) {
        if (field.getType().isPrimitive() || fixedType(field) != null || omitsNulls(field)) {
            return false;
        }
        return !AgentRequest.class.isAssignableFrom(field.getDeclaringType().getErasedType());
    }

    private static boolean omitsNulls(FieldScope field) {
        JsonInclude include = field.getDeclaringType().getErasedType().getAnnotation(JsonInclude.class);
        return include != null && include.value() == JsonInclude.Include.NON_NULL;
    }

    private static String fixedType(FieldScope field) {
        return "type".equals(field.getName()) ? FIXED_TYPES.get(field.getDeclaringType().getErasedType()) : null;
    }

    /** Puts each object's {@code type} property first: the discriminator, which readers look for first. */
    private static void typeFirst(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.get("properties") instanceof ObjectNode properties && properties.has("type")) {
                ObjectNode ordered = object.objectNode();
                ordered.set("type", properties.get("type"));
                ordered.setAll(properties);
                object.set("properties", ordered);
                if (object.get("required") instanceof ArrayNode required) {
                    List<JsonNode> names = new ArrayList<>();
                    required.forEach(names::add);
                    names.sort((a, b) -> Boolean.compare(!"type".equals(a.asText()), !"type".equals(b.asText())));
                    required.removeAll();
                    names.forEach(required::add);
                }
            }
            object.forEach(WireSchemas::typeFirst);
        } else if (node instanceof ArrayNode array) {
            array.forEach(WireSchemas::typeFirst);
        }
    }
}
