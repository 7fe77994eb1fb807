package io.switchboard.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.contract.Agent;
import io.switchboard.contract.Call;
import io.switchboard.contract.Json;
import io.switchboard.contract.Topics;
import io.switchboard.contract.Voicemail;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed schemas are what the Java records generate, and the AsyncAPI document names them and every topic.
 * After changing a wire type, write the schemas anew with
 * {@code ./mvnw -pl contract verify -Dtest=WireSchemasTest -Dcontract.schemas.write=true} and commit them.
 */
class WireSchemasTest {
    private static final Path RESOURCES = Path.of("src/main/resources");
    private static final Path SCHEMAS = RESOURCES.resolve("schemas");
    private static final String SCHEMA_PREFIX = "./schemas/";

    @Test
    void theCommittedSchemasAreWhatTheJavaTypesGenerate() throws IOException {
        Map<String, ObjectNode> generated = WireSchemas.generate();
        if (Boolean.getBoolean("contract.schemas.write")) {
            Files.createDirectories(SCHEMAS);
            for (var schema : generated.entrySet()) {
                Files.writeString(SCHEMAS.resolve(schema.getKey()), text(schema.getValue()));
            }
        }
        List<String> drift = new ArrayList<>();
        for (var schema : generated.entrySet()) {
            Path file = SCHEMAS.resolve(schema.getKey());
            if (!Files.exists(file)) {
                drift.add(schema.getKey() + " is missing");
            } else if (!Files.readString(file).equals(text(schema.getValue()))) {
                drift.add(schema.getKey() + " differs from what " + WireSchemas.FILES.get(schema.getKey()).getName()
                        + " generates:\n" + text(schema.getValue()));
            }
        }
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            files.map(f -> f.getFileName().toString()).filter(f -> !generated.containsKey(f))
                    .forEach(f -> drift.add(f + " describes no wire type: remove it"));
        }
        assertThat(drift).as("Schemas out of step with the Java types; write them anew with"
                + " -Dcontract.schemas.write=true (see this test's comment) and commit them").isEmpty();
    }

    @Test
    void aSealedTypeIsExactlyOneOfItsSubtypesEachNamedByItsType() {
        ObjectNode changes = WireSchemas.generate(io.switchboard.contract.StateChange.class);
        assertThat(changes.has("anyOf")).isFalse();
        List<String> types = new ArrayList<>();
        changes.get("oneOf").forEach(entry -> {
            JsonNode subtype = entry.has("$ref") ? changes.at(entry.get("$ref").asText().substring(1)) : entry;
            assertThat(subtype.get("required").get(0).asText()).isEqualTo("type");
            assertThat(subtype.get("additionalProperties").asBoolean(true)).isFalse();
            types.add(subtype.at("/properties/type/const").asText());
        });
        assertThat(types).containsExactly("agent", "call", "ring_cancel", "voicemail", "agent_removed", "signed_out",
                "tenant", "wallboard");
    }

    @Test
    void nullableAndRequiredAreAsJacksonWritesThem() {
        ObjectNode call = WireSchemas.generate(Call.class);
        // Jackson writes null: present, and null allowed; a primitive is never null.
        assertThat(names(call.get("required"))).contains("agentId", "slot", "onHold");
        assertThat(call.at("/properties/agentId/type").toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(call.at("/properties/onHold/type").asText()).isEqualTo("boolean");
        // Probe leaves nulls out: only its type must be there, and nothing is null.
        ObjectNode probe = WireSchemas.generate(io.switchboard.contract.Probe.class);
        assertThat(names(probe.get("required"))).containsExactly("type");
        assertThat(probe.at("/properties/connectionId/type").asText()).isEqualTo("string");
        assertThat(probe.at("/properties/type/const").asText()).isEqualTo("probe");
        // A client's request is read field by field: nothing may be left out or null.
        ObjectNode requests = WireSchemas.generate(io.switchboard.contract.AgentRequest.class);
        JsonNode claim = requests.get("oneOf").get(0);
        claim = claim.has("$ref") ? requests.at(claim.get("$ref").asText().substring(1)) : claim;
        assertThat(names(claim.get("required"))).containsExactly("type", "callSid", "requestId");
        assertThat(claim.at("/properties/callSid/type").asText()).isEqualTo("string");
        // Agent and Call have files of their own that the frames carrying them reference.
        assertThat(WireSchemas.generate(Agent.class).toString()).doesNotContain("$ref");
        assertThat(WireSchemas.generate(io.switchboard.contract.Snapshot.class).toString())
                .contains("\"$ref\":\"Agent.json\"", "\"$ref\":\"Call.json\"");
    }

    @Test
    void theAsyncApiDocumentHasAChannelForEveryTopicAndNamesEverySchema() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RESOURCES.resolve("asyncapi.yaml").toFile());
        assertThat(doc.get("asyncapi").asText()).isEqualTo("3.0.0");

        TreeSet<String> topics = new TreeSet<>();
        for (var field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                topics.add((String) readStatic(field));
            }
        }
        TreeSet<String> kafkaChannels = new TreeSet<>();
        doc.get("channels").forEach(channel -> {
            if (!channel.get("address").asText().startsWith("/")) {
                kafkaChannels.add(channel.get("address").asText());
            }
        });
        assertThat(kafkaChannels).isEqualTo(topics);

        TreeSet<String> payloads = new TreeSet<>();
        doc.at("/components/messages").forEach(message -> {
            String ref = message.at("/payload/schema/$ref").asText();
            assertThat(ref).as("payload of " + message.get("name")).startsWith(SCHEMA_PREFIX);
            payloads.add(ref.substring(SCHEMA_PREFIX.length()));
        });
        // Agent, Call and Voicemail travel inside frames; every other schema is some message's payload.
        TreeSet<String> expected = new TreeSet<>(WireSchemas.FILES.keySet());
        expected.removeAll(List.of(WireSchemas.fileOf(Agent.class), WireSchemas.fileOf(Call.class),
                WireSchemas.fileOf(Voicemail.class)));
        assertThat(payloads).isEqualTo(expected);

        List<String> dangling = new ArrayList<>();
        references(doc, dangling, doc);
        assertThat(dangling).as("references to nothing in asyncapi.yaml").isEmpty();
    }

    /** Every {@code $ref} within the document points at something in it. */
    private static void references(JsonNode node, List<String> dangling, JsonNode doc) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith("#/") && doc.at(ref.asText().substring(1)).isMissingNode()) {
                dangling.add(ref.asText());
            }
        }
        node.forEach(child -> references(child, dangling, doc));
    }

    private static Object readStatic(java.lang.reflect.Field field) {
        try {
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode schema) throws IOException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
