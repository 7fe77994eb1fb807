package io.switchboard.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.switchboard.contract.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks what a test sees on the wire against the contract's AsyncAPI document and JSON Schemas ({@code asyncapi.yaml}
 * and {@code schemas/} in the contract module): a WebSocket frame against the messages the gateway sends (or reads) on
 * {@code /agent/ws}, a Kafka record against its topic's messages and the key the protocol gives it, the tenant id.
 * The document says which messages travel where; each message's {@code type} picks the schema it must follow.
 * The end-to-end and fault suites call it on every frame and record they receive.
 */
public final class WireContract {
    private static final String DOCUMENT = "asyncapi.yaml";
    private static final String SOCKET = "/agent/ws";
    private static final WireContract CONTRACT = new WireContract();

    /**
     * One message a channel carries: its schema, and for each {@code type} constant the schema allows, the part that
     * describes that type (none: the message has no type constant, and the whole schema is checked).
     */
    private record Message(String file, Schema schema, Map<String, Schema> byType) {

        Set<String> types() {
            return byType.keySet();
        }
    }

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final JsonNode document;
    private final List<Message> serverFrames;
    private final List<Message> clientFrames;
    private final Map<String, List<Message>> topics = new LinkedHashMap<>();

    private WireContract() {
        try (InputStream in = WireContract.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the class path: the contract module has it");
            }
            document = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + DOCUMENT, e);
        }
        String socket = null;
        for (var channel : document.get("channels").properties()) {
            String address = channel.getValue().get("address").asText();
            if (address.equals(SOCKET)) {
                socket = "#/channels/" + channel.getKey();
            } else {
                List<Message> messages = new ArrayList<>();
                channel.getValue().get("messages").forEach(ref -> messages.add(message(ref)));
                topics.put(address, messages);
            }
        }
        serverFrames = operationMessages(socket, "send");
        clientFrames = operationMessages(socket, "receive");
    }

    public static WireContract get() {
        return CONTRACT;
    }

    /** What breaks the contract in a frame the gateway sent to a client; empty when nothing does. */
    public Optional<String> serverFrame(String frame) {
        return check("server frame", serverFrames, frame);
    }

    /** What breaks the contract in a frame a client sends to the gateway; empty when nothing does. */
    public Optional<String> clientFrame(String frame) {
        return check("client frame", clientFrames, frame);
    }

    /** What breaks the contract in a record of {@code topic}: its value, or its key (the value's tenant). */
    public Optional<String> record(String topic, String key, String value) {
        List<Message> messages = topics.get(topic);
        if (messages == null) {
            return Optional.of("a record on " + topic + ", a topic " + DOCUMENT + " does not name: " + value);
        }
        Optional<String> problem = check("record on " + topic, messages, value);
        if (problem.isPresent()) {
            return problem;
        }
        String tenant = read(value).path("tenantId").asText(null);
        return Objects.equals(key, tenant) ? Optional.empty()
                : Optional.of("record on " + topic + " keyed " + key + ", not by its tenant " + tenant + ": " + value);
    }

    /** The topics {@link #record} knows: the addresses of the document's Kafka channels. */
    public Set<String> topics() {
        return topics.keySet();
    }

    /**
     * Reads every record now on {@code topics}, from the beginning, and says what breaks the contract in them (at most
     * {@code limit} findings, then how many more there were).
     */
    public List<String> recordsOn(String bootstrapServers, Set<String> topics, int limit) {
        List<String> problems = new ArrayList<>();
        int more = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "wire-contract-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    problems.add("could not read every record of " + topics + " within 60 s");
                    break;
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Optional<String> problem = record(r.topic(), r.key(), r.value());
                    if (problem.isPresent()) {
                        if (problems.size() < limit) {
                            problems.add(problem.get());
                        } else {
                            more++;
                        }
                    }
                }
            }
        }
        if (more > 0) {
            problems.add("… and " + more + " more");
        }
        return problems;
    }

    private Optional<String> check(String what, List<Message> messages, String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Optional.of(what + " is not JSON: " + json);
        }
        String type = node.path("type").asText(null);
        // A message without type constants (AgentCommand, AgentReply) is the only one on its channel.
        List<Message> candidates = messages.stream().filter(m -> m.types().isEmpty() || m.types().contains(type))
                .toList();
        if (candidates.isEmpty()) {
            Set<String> known = new LinkedHashSet<>();
            messages.forEach(m -> known.addAll(m.types()));
            return Optional.of(what + " of type " + type + ", which is none of " + known + ": " + json);
        }
        List<String> errors = new ArrayList<>();
        for (Message message : candidates) {
            if (validate(message.schema(), node).isEmpty()) {
                return Optional.empty();
            }
            // Only the part for the frame's type: a oneOf's errors for every other type would bury the one that counts.
            Schema part = message.byType().getOrDefault(type, message.schema());
            List<Error> found = new ArrayList<>(validate(part, node));
            // A nullable object is anyOf [null, its schema]: "not null" is no news beside what is wrong with it.
            if (found.stream().anyMatch(error -> !notNull(error))) {
                found.removeIf(WireContract::notNull);
            }
            found.forEach(error -> errors.add(message.file() + " " + error));
        }
        return Optional.of(what + " does not follow the contract:\n    "
                + errors.stream().collect(Collectors.joining("\n    ")) + "\n  frame: " + json);
    }

    private static boolean notNull(Error error) {
        return "type".equals(error.getKeyword()) && error.getSchemaNode() != null
                && "null".equals(error.getSchemaNode().asText());
    }

    private static List<Error> validate(Schema schema, JsonNode node) {
        return schema.validate(node, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
    }

    private List<Message> operationMessages(String channel, String action) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode operation : document.get("operations")) {
            if (operation.at("/channel/$ref").asText().equals(channel)
                    && operation.get("action").asText().equals(action)) {
                operation.get("messages").forEach(ref -> messages.add(message(ref)));
            }
        }
        if (messages.isEmpty()) {
            throw new IllegalStateException(DOCUMENT + " has no " + action + " operation on " + SOCKET);
        }
        return messages;
    }

    /** A message the node is or references (within the document), with the schema its payload references. */
    private Message message(JsonNode node) {
        while (node.has("$ref") && node.get("$ref").asText().startsWith("#/")) {
            node = document.at(node.get("$ref").asText().substring(1));
        }
        String file = node.at("/payload/schema/$ref").asText().replaceFirst("^\\./", "");
        Schema schema = load("classpath:" + file);
        JsonNode root = schema.getSchemaNode();
        Map<String, Schema> byType = new LinkedHashMap<>();
        JsonNode own = root.at("/properties/type/const");
        if (!own.isMissingNode()) {
            byType.put(own.asText(), schema);
        }
        for (int i = 0; i < root.path("oneOf").size(); i++) {
            JsonNode subtype = root.get("oneOf").get(i);
            String pointer = subtype.path("$ref").asText().startsWith("#/") ? subtype.get("$ref").asText().substring(1)
                    : "/oneOf/" + i;
            JsonNode type = root.at(pointer + "/properties/type/const");
            if (!type.isMissingNode()) {
                byType.put(type.asText(), load("classpath:" + file + "#" + pointer));
            }
        }
        return new Message(file, schema, byType);
    }

    private Schema load(String location) {
        Schema schema = registry.getSchema(SchemaLocation.of(location));
        // Loaded now, with what it references, rather than by whichever socket thread validates first.
        schema.initializeValidators();
        return schema;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
