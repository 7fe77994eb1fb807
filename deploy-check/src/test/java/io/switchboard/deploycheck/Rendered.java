package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The objects of one rendered overlay, as JSON trees (what the API server would receive). */
record Rendered(String overlay, List<ObjectNode> objects) {
    static final ObjectMapper YAML = new YAMLMapper();
    /** The kinds that run the services' pods from a template. */
    static final List<String> WORKLOADS = List.of("Deployment", "StatefulSet");

    static Rendered parse(String overlay, String yamlStream) {
        List<ObjectNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yamlStream)) {
            var docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new AssertionError(overlay + ": a rendered document is not an object: " + doc);
                }
                objects.add((ObjectNode) doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(overlay + ": rendered YAML does not parse", e);
        }
        return new Rendered(overlay, objects);
    }

    Rendered copy() {
        return new Rendered(overlay, new ArrayList<>(objects.stream().map(ObjectNode::deepCopy).toList()));
    }

    Stream<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    /** The Deployments and StatefulSets. */
    Stream<ObjectNode> workloads() {
        return objects.stream().filter(o -> WORKLOADS.contains(o.path("kind").asText()));
    }

    /** The Deployment or StatefulSet of that name. */
    ObjectNode workload(String name) {
        return workloads().filter(o -> name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no Deployment or StatefulSet " + name));
    }

    ObjectNode get(String kind, String name) {
        return ofKind(kind).filter(o -> name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + name(o);
    }
}
