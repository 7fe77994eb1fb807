package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods an overlay will run: those of its Deployments and StatefulSets (from their templates) and those the
 * operators make for its custom resources, with only the labels the operators guarantee (so a selector that relies on
 * anything else fails).
 */
final class Pods {
    record Pod(String owner, Map<String, String> labels, Set<String> portNames, Set<Integer> ports) {
    }

    private Pods() {
    }

    static List<Pod> of(Rendered rendered) {
        List<Pod> pods = new ArrayList<>();
        rendered.workloads().forEach(d -> {
            JsonNode template = d.path("spec").path("template");
            Set<String> names = new HashSet<>();
            Set<Integer> numbers = new HashSet<>();
            template.path("spec").path("containers").forEach(c -> c.path("ports").forEach(p -> {
                if (p.has("name")) {
                    names.add(p.path("name").asText());
                }
                numbers.add(p.path("containerPort").asInt());
            }));
            pods.add(new Pod(Rendered.id(d), labels(template.path("metadata").path("labels")), names, numbers));
        });
        // Strimzi: every node of every pool, the entity operator, Kafka Exporter.
        rendered.ofKind("Kafka").forEach(k -> {
            String cluster = Rendered.name(k);
            rendered.ofKind("KafkaNodePool")
                    .filter(p -> cluster.equals(p.path("metadata").path("labels").path("strimzi.io/cluster").asText()))
                    .forEach(pool -> {
                        Map<String, String> labels = strimzi(cluster, cluster + "-kafka");
                        labels.put("strimzi.io/pool-name", Rendered.name(pool));
                        Set<String> roles = new HashSet<>();
                        pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
                        labels.put("strimzi.io/broker-role", String.valueOf(roles.contains("broker")));
                        labels.put("strimzi.io/controller-role", String.valueOf(roles.contains("controller")));
                        Set<Integer> ports = new HashSet<>(Set.of(9090, 9091));
                        k.path("spec").path("kafka").path("listeners").forEach(l -> ports.add(l.path("port").asInt()));
                        Set<String> names = new HashSet<>();
                        if (k.path("spec").path("kafka").has("metricsConfig")) {
                            names.add("tcp-prometheus"); // Strimzi's name for the metrics port
                            ports.add(9404);
                        }
                        pods.add(new Pod("KafkaNodePool/" + Rendered.name(pool), labels, names, ports));
                    });
            if (k.path("spec").has("entityOperator")) {
                pods.add(new Pod("Kafka/" + cluster + " entity operator",
                        strimzi(cluster, cluster + "-entity-operator"), Set.of(), Set.of()));
            }
            if (k.path("spec").has("kafkaExporter")) {
                pods.add(new Pod("Kafka/" + cluster + " exporter", strimzi(cluster, cluster + "-kafka-exporter"),
                        Set.of("tcp-prometheus"), Set.of(9404))); // Strimzi's name for the metrics port
            }
        });
        // CloudNativePG: the instances of every Cluster.
        rendered.ofKind("Cluster").forEach(c -> pods.add(new Pod("Cluster/" + Rendered.name(c),
                new HashMap<>(Map.of("cnpg.io/cluster", Rendered.name(c), "cnpg.io/podRole", "instance")),
                Set.of("metrics"), Set.of(5432, 8000, 9187)))); // CloudNativePG's name for the exporter port
        return pods;
    }

    private static Map<String, String> strimzi(String cluster, String name) {
        return new HashMap<>(Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka", "strimzi.io/name", name));
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** A Kubernetes label selector ({matchLabels, matchExpressions}); a missing or empty one selects everything. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) selector.path("matchLabels")::fields) {
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A Service's selector: a plain label map. */
    static boolean selectsByMap(JsonNode selector, Map<String, String> labels) {
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
