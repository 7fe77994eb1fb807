package io.switchboard.deploycheck;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every rendered object against the schema of its kind, strictly: an unknown field, a wrong type (a number
 * where the API wants a string, "2" where it wants a number) or a kind nobody expected is an error.
 *
 * <p>Strimzi's kinds: the schemas of Strimzi's released CRDs ({@link StrimziCrds}, {@link CrdSchemas}), so a version
 * Strimzi no longer serves, or a field it dropped, fails as it would on the cluster. Kubernetes, Gateway API and
 * Prometheus Operator kinds: fabric8's models, which keep fields they do not know in an {@code additionalProperties}
 * map instead of failing, so after reading an object the whole tree is walked and any such field is reported.
 * CloudNativePG and its Barman Cloud plugin: the JSON schemas in src/test/resources/cnpg. CRD files in the directory
 * named by the system property {@code deploy-check.crds} (the operators' released CRDs, see deploy-check/README.md)
 * take precedence over the models and the JSON schemas for the kinds they define.
 */
final class StrictSchemas {
    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
            // The Prometheus Operator's kinds, from fabric8's model (io.fabric8:openshift-model-monitoring).
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class));

    private static final Map<String, String> JSON_SCHEMAS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "/cnpg/cluster.schema.yaml",
            "postgresql.cnpg.io/v1/ScheduledBackup", "/cnpg/scheduledbackup.schema.yaml",
            "barmancloud.cnpg.io/v1/ObjectStore", "/cnpg/objectstore.schema.yaml");

    private final ObjectMapper mapper;
    private final Map<String, JsonSchema> schemas;
    private final CrdSchemas crds;

    StrictSchemas() {
        List<Path> crdFiles = new ArrayList<>(StrimziCrds.files());
        String extra = System.getProperty("deploy-check.crds", "");
        if (!extra.isBlank()) {
            crdFiles.addAll(CrdSchemas.yamlFilesUnder(Path.of(extra)));
        }
        this.crds = CrdSchemas.of(crdFiles);
        JsonMapper strict = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // "2" is not a number to the API server, and 8081 is not a string.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        this.mapper = strict;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        this.schemas = new java.util.HashMap<>();
        JSON_SCHEMAS.forEach((type, resource) -> {
            try (InputStream in = StrictSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + resource);
                }
                schemas.put(type, factory.getSchema(Rendered.YAML.readTree(in)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The kinds checked against a CRD's schema. */
    Set<String> crdTypes() {
        return crds.types();
    }

    Set<String> knownTypes() {
        var all = new java.util.TreeSet<>(MODELS.keySet());
        all.addAll(JSON_SCHEMAS.keySet());
        all.addAll(crds.types());
        return all;
    }

    /** @return one line per problem, empty when the object is valid */
    List<String> validate(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String where = Rendered.id(object);
        List<String> problems = new ArrayList<>();
        Class<?> model = MODELS.get(type);
        JsonSchema schema = schemas.get(type);
        if (crds.knows(type)) {
            problems.addAll(crds.validate(type, object, where));
            read(object.path("metadata"), ObjectMeta.class, where + " metadata", problems);
        } else if (model != null) {
            read(object, model, where, problems);
        } else if (schema != null) {
            for (ValidationMessage message : schema.validate(object)) {
                problems.add(where + ": " + message.getMessage());
            }
            read(object.path("metadata"), ObjectMeta.class, where + " metadata", problems);
        } else if (!crds.servedVersions(object.path("apiVersion").asText(), object.path("kind").asText()).isEmpty()) {
            problems.add(where + ": apiVersion " + object.path("apiVersion").asText() + " is not served by the CRD of "
                    + object.path("kind").asText() + ", which serves "
                    + crds.servedVersions(object.path("apiVersion").asText(), object.path("kind").asText()));
        } else {
            problems.add(where + ": " + type + " is not a kind these tests know (" + knownTypes()
                    + "); add its schema to StrictSchemas before using it");
        }
        return problems;
    }

    private void read(JsonNode tree, Class<?> model, String where, List<String> problems) {
        Object value;
        try {
            value = mapper.treeToValue(tree, model);
        } catch (IOException e) {
            problems.add(where + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
            return;
        }
        unknownFields(value, where, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** Reports every entry of an {@code additionalProperties} map anywhere in a fabric8 or Strimzi object tree. */
    private static void unknownFields(Object value, String path, List<String> problems, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value.getClass().isEnum() || !seen.add(value)) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems, seen));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        Class<?> type = value.getClass();
        if (!type.getName().startsWith("io.fabric8.") && !type.getName().startsWith("io.strimzi.")) {
            return;
        }
        try {
            Method extra = type.getMethod("getAdditionalProperties");
            if (extra.invoke(value) instanceof Map<?, ?> unknown) {
                unknown.keySet().forEach(k -> problems.add(path + "." + k + ": unknown field"));
            }
        } catch (NoSuchMethodException ignored) {
            // a class without a catch-all: Jackson already failed on unknown fields
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getName().equals("additionalProperties")) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    unknownFields(field.get(value), path + "." + field.getName(), problems, seen);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + "." + field.getName(), e);
                }
            }
        }
    }
}
