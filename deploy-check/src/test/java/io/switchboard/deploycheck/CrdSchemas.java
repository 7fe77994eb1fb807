package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The schemas of custom resources as the API server applies them: the {@code openAPIV3Schema} of each served version
 * of a CustomResourceDefinition, read from the operator's released CRD files.
 *
 * <p>A CRD's schema is structural: the API server drops (and with {@code kubectl apply}'s field validation, rejects)
 * every field the schema does not name, unless {@code x-kubernetes-preserve-unknown-fields} says otherwise. JSON
 * Schema allows unknown fields by default, so the schema is rewritten before use: every object schema that names its
 * properties and neither preserves unknown fields nor has {@code additionalProperties} of its own gets
 * {@code additionalProperties: false}. The Kubernetes extensions are translated too ({@code x-kubernetes-int-or-string},
 * {@code nullable}, embedded resources). Not checked: CEL rules ({@code x-kubernetes-validations}) and {@code format}s
 * the JSON schema library does not know; {@code metadata} is left to fabric8's ObjectMeta, as the API server checks it
 * apart from the CRD's schema too.
 */
final class CrdSchemas {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    /** group/version/kind → schema, for every served version. */
    private final Map<String, JsonSchema> schemas = new TreeMap<>();
    /** group/kind → the versions the CRD serves, for a helpful message on a wrong apiVersion. */
    private final Map<String, List<String>> served = new TreeMap<>();

    /** Reads every CRD in the given YAML files (several documents per file allowed; other kinds are skipped). */
    static CrdSchemas of(List<Path> files) {
        CrdSchemas crds = new CrdSchemas();
        files.forEach(crds::add);
        return crds;
    }

    /** Every .yaml file under a directory. */
    static List<Path> yamlFilesUnder(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(Path file) {
        String yaml = Project.read(file);
        Rendered.parse(file.getFileName().toString(), yaml).ofKind("CustomResourceDefinition").forEach(crd -> {
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asText();
            String kind = spec.path("names").path("kind").asText();
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(false)) {
                    continue;
                }
                String type = group + "/" + version.path("name").asText() + "/" + kind;
                JsonNode schema = version.path("schema").path("openAPIV3Schema");
                if (!schema.isObject()) {
                    throw new IllegalStateException(file + ": " + type + " has no openAPIV3Schema");
                }
                ObjectNode root = structural(schema.deepCopy());
                // The API server checks metadata itself (StrictSchemas reads it as fabric8's ObjectMeta).
                object(root, "properties").set("metadata", JsonNodeFactory.instance.objectNode());
                schemas.put(type, FACTORY.getSchema(root));
                served.computeIfAbsent(group + "/" + kind, k -> new ArrayList<>()).add(version.path("name").asText());
            }
        });
    }

    boolean knows(String type) {
        return schemas.containsKey(type);
    }

    /** The apiVersion/kind pairs these CRDs serve, for messages. */
    java.util.Set<String> types() {
        return schemas.keySet();
    }

    /** @return the versions served for the group and kind of an apiVersion/kind, empty if no CRD defines the kind */
    List<String> servedVersions(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return served.getOrDefault(group + "/" + kind, List.of());
    }

    /** @return one line per problem, empty when the object is valid */
    List<String> validate(String type, JsonNode object, String where) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schemas.get(type).validate(object)) {
            // Worded like the models' reports, so a reader sees the same message whichever schema caught it.
            problems.add(where + ": " + ("additionalProperties".equals(message.getType())
                    ? message.getInstanceLocation() + "." + message.getProperty() + ": unknown field"
                    : message.getMessage()));
        }
        return problems;
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    /** Rewrites an OpenAPI v3 schema of a CRD into a JSON schema that rejects what the API server would drop. */
    static ObjectNode structural(ObjectNode schema) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            schema.remove("type");
            ArrayNode either = schema.putArray("anyOf");
            either.addObject().put("type", "integer");
            either.addObject().put("type", "string");
        }
        if (schema.path("nullable").asBoolean(false) && schema.path("type").isTextual()) {
            String type = schema.path("type").asText();
            schema.putArray("type").add(type).add("null");
        }
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            ObjectNode properties = object(schema, "properties");
            for (String field : List.of("apiVersion", "kind")) {
                if (!properties.has(field)) {
                    properties.putObject(field).put("type", "string");
                }
            }
            if (!properties.has("metadata")) {
                properties.putObject("metadata").put("type", "object");
            }
        }
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("x-kubernetes-") || name.equals("nullable")) {
                names.remove();
            }
        }
        if (schema.path("properties").isObject()) {
            schema.path("properties").fields().forEachRemaining(p -> structural((ObjectNode) p.getValue()));
        }
        if (schema.path("items").isObject()) {
            structural((ObjectNode) schema.path("items"));
        }
        if (schema.path("additionalProperties").isObject()) {
            structural((ObjectNode) schema.path("additionalProperties"));
        }
        // allOf/anyOf/oneOf/not in a structural schema only restrict fields the schema names already (a rule of
        // structural schemas): their branches must not reject the others, so they get no additionalProperties.
        boolean isObject = "object".equals(schema.path("type").asText()) || schema.has("properties");
        if (isObject && !preserve && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        return schema;
    }
}
