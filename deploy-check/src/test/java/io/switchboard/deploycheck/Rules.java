package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.switchboard.deploycheck.Pods.Pod;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The checks that matter beyond the schemas: what a cluster would accept but what would hurt in production, and what
 * only shows when two objects must agree (a reference and its target, a selector and its pods).
 */
final class Rules {
    /** Secrets an operator creates: CloudNativePG writes {cluster}-app for the database it bootstraps. */
    private static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "password", "host", "port", "dbname",
            "uri", "jdbc-uri", "pgpass", "user");
    /**
     * call-ingest's journal: the webhooks it answered and Kafka has not acknowledged. Its file must be on a volume of
     * the pod's own that outlives the pod; the default path is relative to the working directory.
     */
    private static final String JOURNAL_SERVICE = "call-ingest";
    private static final String JOURNAL_PATH = "SWITCHBOARD_INGEST_JOURNAL_PATH";
    /** The Secrets Strimzi creates: the cluster CA's certificate, and a KafkaUser's credentials (by authentication). */
    private static final Set<String> STRIMZI_CLUSTER_CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");
    private static final Map<String, Set<String>> STRIMZI_USER_KEYS = Map.of(
            "scram-sha-512", Set.of("password", "sasl.jaas.config"),
            "tls", Set.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password"));

    private final Rendered rendered;
    private final Map<String, Set<String>> documentedSecrets;
    private final Set<String> topicsInCode;
    private final Map<String, Set<String>> kafkaUseInCode = Project.kafkaUseInCode();
    private final List<String> problems = new ArrayList<>();
    private final List<Pod> pods;

    private Rules(Rendered rendered, Map<String, Set<String>> documentedSecrets, Set<String> topicsInCode) {
        this.rendered = rendered;
        this.documentedSecrets = documentedSecrets;
        this.topicsInCode = topicsInCode;
        this.pods = Pods.of(rendered);
    }

    static List<String> check(Rendered rendered, Map<String, Set<String>> documentedSecrets, Set<String> topicsInCode) {
        Rules rules = new Rules(rendered, documentedSecrets, topicsInCode);
        rules.containers();
        rules.references();
        rules.services();
        rules.ingresses();
        rules.httpRoutes();
        rules.networkPolicies();
        rules.scaling();
        rules.statefulSets();
        rules.journal();
        rules.kafka();
        rules.backups();
        rules.connectionSettings();
        rules.databaseLogins();
        rules.namespaceAndLabels();
        // ServiceMonitor, PodMonitor, PrometheusRule, the Grafana dashboard: against the services' code and docs.
        Monitoring.check(rendered, rules.problems);
        return rules.problems;
    }

    private void problem(JsonNode object, String message) {
        problems.add(Rendered.id(object) + ": " + message);
    }

    // ---- containers: probes, resources, security -------------------------------------------------------------

    private void containers() {
        rendered.workloads().forEach(d -> {
            JsonNode pod = d.path("spec").path("template").path("spec");
            if (!pod.path("automountServiceAccountToken").isBoolean() || pod.path("automountServiceAccountToken").asBoolean()) {
                problem(d, "automountServiceAccountToken must be false (the services never call the Kubernetes API)");
            }
            Map<String, JsonNode> volumes = new HashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            Set<String> claims = claimVolumes(d);
            List<JsonNode> all = new ArrayList<>();
            pod.path("initContainers").forEach(all::add);
            pod.path("containers").forEach(all::add);
            if (all.isEmpty()) {
                problem(d, "no containers");
            }
            for (JsonNode c : all) {
                String where = "container " + c.path("name").asText();
                probe(d, c, where, "livenessProbe", "/q/health/live");
                probe(d, c, where, "readinessProbe", "/q/health/ready");
                probe(d, c, where, "startupProbe", "/q/health/started");
                resources(d, c, where);
                security(d, pod, c, where);
                String image = c.path("image").asText();
                if (image.isEmpty() || !image.contains(":") || image.endsWith(":latest")) {
                    problem(d, where + ": image '" + image + "' needs a fixed tag");
                }
                boolean tmp = false;
                for (JsonNode mount : c.path("volumeMounts")) {
                    String name = mount.path("name").asText();
                    JsonNode volume = volumes.get(name);
                    if (volume == null && !claims.contains(name)) {
                        problem(d, where + ": volumeMount " + name + " names no volume and no volumeClaimTemplate");
                    } else if (volume != null && "/tmp".equals(mount.path("mountPath").asText()) && volume.has("emptyDir")) {
                        tmp = true;
                    }
                    if (claims.contains(name) && pod.path("securityContext").path("fsGroup").asLong(0) == 0) {
                        problem(d, where + ": mounts the claim " + name + " but the pod sets no non-zero fsGroup, so the"
                                + " volume is not writable for its non-root user");
                    }
                }
                if (!tmp) {
                    problem(d, where + ": needs an emptyDir mounted on /tmp (the root filesystem is read-only)");
                }
            }
        });
    }

    /** The volumes of a workload's pods that are PersistentVolumeClaims: its claim templates and claim volumes. */
    private static Set<String> claimVolumes(JsonNode workload) {
        Set<String> claims = new HashSet<>();
        workload.path("spec").path("volumeClaimTemplates").forEach(t -> claims.add(Rendered.name(t)));
        workload.path("spec").path("template").path("spec").path("volumes").forEach(v -> {
            if (v.has("persistentVolumeClaim")) {
                claims.add(v.path("name").asText());
            }
        });
        return claims;
    }

    private void probe(JsonNode d, JsonNode c, String where, String probe, String path) {
        JsonNode http = c.path(probe).path("httpGet");
        if (http.isMissingNode()) {
            problem(d, where + ": no " + probe + " (httpGet " + path + ")");
            return;
        }
        if (!path.equals(http.path("path").asText())) {
            problem(d, where + ": " + probe + " should be " + path + ", is " + http.path("path").asText());
        }
        JsonNode port = http.path("port");
        boolean found = false;
        for (JsonNode p : c.path("ports")) {
            found |= port.isTextual() ? port.asText().equals(p.path("name").asText())
                    : port.asInt() == p.path("containerPort").asInt();
        }
        if (!found) {
            problem(d, where + ": " + probe + " port " + port + " is not a port of the container");
        }
    }

    private void resources(JsonNode d, JsonNode c, String where) {
        JsonNode requests = c.path("resources").path("requests");
        JsonNode limits = c.path("resources").path("limits");
        for (String resource : List.of("cpu", "memory")) {
            if (!requests.has(resource)) {
                problem(d, where + ": no " + resource + " request");
            }
            if (!limits.has(resource)) {
                problem(d, where + ": no " + resource + " limit");
            }
            if (requests.has(resource) && limits.has(resource)
                    && amount(limits.path(resource)).compareTo(amount(requests.path(resource))) < 0) {
                problem(d, where + ": " + resource + " limit is below its request");
            }
        }
    }

    private static BigDecimal amount(JsonNode quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity.asText()));
    }

    private void security(JsonNode d, JsonNode pod, JsonNode c, String where) {
        JsonNode podContext = pod.path("securityContext");
        JsonNode context = c.path("securityContext");
        JsonNode nonRoot = context.has("runAsNonRoot") ? context.path("runAsNonRoot") : podContext.path("runAsNonRoot");
        if (!nonRoot.asBoolean(false)) {
            problem(d, where + ": runAsNonRoot must be true");
        }
        JsonNode user = context.has("runAsUser") ? context.path("runAsUser") : podContext.path("runAsUser");
        if (user.isMissingNode() || user.asLong() == 0) {
            problem(d, where + ": needs a non-zero runAsUser (185 in the images)");
        }
        if (!context.path("readOnlyRootFilesystem").asBoolean(false)) {
            problem(d, where + ": readOnlyRootFilesystem must be true");
        }
        if (!context.path("allowPrivilegeEscalation").isBoolean() || context.path("allowPrivilegeEscalation").asBoolean()) {
            problem(d, where + ": allowPrivilegeEscalation must be false");
        }
        boolean dropsAll = false;
        for (JsonNode cap : context.path("capabilities").path("drop")) {
            dropsAll |= "ALL".equals(cap.asText());
        }
        if (!dropsAll || context.path("capabilities").path("add").size() > 0) {
            problem(d, where + ": capabilities must drop ALL and add none");
        }
        JsonNode seccomp = context.has("seccompProfile") ? context.path("seccompProfile") : podContext.path("seccompProfile");
        if (!"RuntimeDefault".equals(seccomp.path("type").asText())) {
            problem(d, where + ": seccompProfile must be RuntimeDefault");
        }
    }

    // ---- references to ConfigMaps and Secrets ----------------------------------------------------------------

    private void references() {
        Map<String, Set<String>> configMaps = new HashMap<>();
        rendered.ofKind("ConfigMap").forEach(cm -> configMaps.put(Rendered.name(cm), keys(cm.path("data"))));
        Map<String, Set<String>> secrets = new HashMap<>();
        rendered.ofKind("Secret").forEach(s -> {
            Set<String> keys = keys(s.path("data"));
            keys.addAll(keys(s.path("stringData")));
            secrets.put(Rendered.name(s), keys);
        });
        rendered.ofKind("Cluster").forEach(c -> {
            if (c.path("spec").path("bootstrap").path("initdb").isObject()
                    && !c.path("spec").path("bootstrap").path("initdb").has("secret")) {
                secrets.put(Rendered.name(c) + "-app", CNPG_APP_SECRET_KEYS);
            }
        });
        rendered.ofKind("Kafka").forEach(k -> secrets.put(Rendered.name(k) + "-cluster-ca-cert", STRIMZI_CLUSTER_CA_KEYS));
        rendered.ofKind("KafkaUser").forEach(u -> secrets.put(Rendered.name(u),
                STRIMZI_USER_KEYS.getOrDefault(u.path("spec").path("authentication").path("type").asText(), Set.of())));
        documentedSecrets.forEach(secrets::putIfAbsent);

        rendered.workloads().forEach(d -> {
            JsonNode pod = d.path("spec").path("template").path("spec");
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode c : containers) {
                for (JsonNode from : c.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        ref(d, "ConfigMap", from.path("configMapRef").path("name").asText(), null, configMaps);
                    }
                    if (from.has("secretRef")) {
                        ref(d, "Secret", from.path("secretRef").path("name").asText(), null, secrets);
                    }
                }
                for (JsonNode env : c.path("env")) {
                    JsonNode from = env.path("valueFrom");
                    if (from.has("configMapKeyRef")) {
                        ref(d, "ConfigMap", from.path("configMapKeyRef").path("name").asText(),
                                from.path("configMapKeyRef").path("key").asText(), configMaps);
                    }
                    if (from.has("secretKeyRef")) {
                        ref(d, "Secret", from.path("secretKeyRef").path("name").asText(),
                                from.path("secretKeyRef").path("key").asText(), secrets);
                    }
                }
            }
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("secret")) {
                    String name = volume.path("secret").path("secretName").asText();
                    ref(d, "Secret", name, null, secrets);
                    volume.path("secret").path("items").forEach(i -> ref(d, "Secret", name, i.path("key").asText(), secrets));
                }
                if (volume.has("configMap")) {
                    String name = volume.path("configMap").path("name").asText();
                    ref(d, "ConfigMap", name, null, configMaps);
                    volume.path("configMap").path("items").forEach(i -> ref(d, "ConfigMap", name, i.path("key").asText(), configMaps));
                }
            }
        });
        rendered.ofKind("Ingress").forEach(i -> i.path("spec").path("tls")
                .forEach(t -> ref(i, "Secret", t.path("secretName").asText(), null, secrets)));
        // A managed role's password comes from a basic-auth Secret: its username must be the role's name.
        rendered.ofKind("Cluster").forEach(c -> c.path("spec").path("managed").path("roles").forEach(role -> {
            if (role.has("passwordSecret")) {
                ref(c, "Secret", role.path("passwordSecret").path("name").asText(), "username", secrets);
                ref(c, "Secret", role.path("passwordSecret").path("name").asText(), "password", secrets);
            }
        }));
        rendered.ofKind("Cluster").forEach(c -> c.path("spec").path("backup").path("barmanObjectStore")
                .path("s3Credentials").forEach(selector -> {
                    if (selector.isObject()) {
                        ref(c, "Secret", selector.path("name").asText(), selector.path("key").asText(), secrets);
                    }
                }));
    }

    private void ref(JsonNode from, String kind, String name, String key, Map<String, Set<String>> known) {
        Set<String> keys = known.get(name);
        if (keys == null) {
            problem(from, "refers to " + kind + " '" + name + "', which the overlay does not create, no operator"
                    + " creates, and deploy/README.md does not list under the secrets you create");
        } else if (key != null && !keys.contains(key)) {
            problem(from, "refers to key '" + key + "' of " + kind + " '" + name + "', which has only " + new TreeSet<>(keys));
        }
    }

    private static Set<String> keys(JsonNode map) {
        Set<String> keys = new HashSet<>();
        map.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    // ---- Services and Ingresses ------------------------------------------------------------------------------

    private void services() {
        rendered.ofKind("Service").forEach(s -> {
            JsonNode selector = s.path("spec").path("selector");
            if (selector.isEmpty()) {
                problem(s, "has no selector");
                return;
            }
            List<JsonNode> templates = rendered.workloads()
                    .filter(d -> Pods.selectsByMap(selector, Pods.labels(d.path("spec").path("template").path("metadata").path("labels"))))
                    .map(d -> (JsonNode) d).toList();
            if (templates.isEmpty()) {
                problem(s, "selector " + selector + " matches no Deployment's or StatefulSet's pods");
            }
            for (JsonNode port : s.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (JsonNode d : templates) {
                    boolean found = false;
                    for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                        for (JsonNode p : c.path("ports")) {
                            found |= target.isTextual() ? target.asText().equals(p.path("name").asText())
                                    : target.asInt() == p.path("containerPort").asInt();
                        }
                    }
                    if (!found) {
                        problem(s, "targetPort " + target + " is not a container port of " + Rendered.id(d));
                    }
                }
            }
        });
    }

    private void ingresses() {
        rendered.ofKind("Ingress").forEach(i -> {
            Set<String> tlsHosts = new HashSet<>();
            i.path("spec").path("tls").forEach(t -> t.path("hosts").forEach(h -> tlsHosts.add(h.asText())));
            List<JsonNode> backends = new ArrayList<>();
            if (i.path("spec").has("defaultBackend")) {
                backends.add(i.path("spec").path("defaultBackend"));
            }
            for (JsonNode rule : i.path("spec").path("rules")) {
                if (!tlsHosts.contains(rule.path("host").asText())) {
                    problem(i, "host " + rule.path("host").asText() + " has no TLS entry");
                }
                rule.path("http").path("paths").forEach(p -> backends.add(p.path("backend")));
            }
            for (JsonNode backend : backends) {
                String name = backend.path("service").path("name").asText();
                JsonNode port = backend.path("service").path("port");
                var service = rendered.ofKind("Service").filter(s -> name.equals(Rendered.name(s))).findFirst();
                if (service.isEmpty()) {
                    problem(i, "backend Service " + name + " does not exist");
                    continue;
                }
                boolean found = false;
                for (JsonNode p : service.get().path("spec").path("ports")) {
                    found |= port.has("name") ? port.path("name").asText().equals(p.path("name").asText())
                            : port.path("number").asInt() == p.path("port").asInt();
                }
                if (!found) {
                    problem(i, "backend port " + port + " is not a port of Service " + name);
                }
            }
        });
    }

    // ---- NetworkPolicies -------------------------------------------------------------------------------------

    private void networkPolicies() {
        boolean defaultDeny = rendered.ofKind("NetworkPolicy").anyMatch(np -> np.path("spec").path("podSelector").isEmpty()
                && np.path("spec").path("policyTypes").toString().contains("Ingress")
                && np.path("spec").path("policyTypes").toString().contains("Egress")
                && !np.path("spec").has("ingress") && !np.path("spec").has("egress"));
        if (!defaultDeny) {
            problems.add("NetworkPolicy: no default deny (empty podSelector, Ingress and Egress, no rules)");
        }
        rendered.ofKind("NetworkPolicy").forEach(np -> {
            JsonNode selector = np.path("spec").path("podSelector");
            List<Pod> selected = pods.stream().filter(p -> Pods.selects(selector, p.labels())).toList();
            if (selected.isEmpty()) {
                problem(np, "podSelector " + selector + " selects no pod of this overlay");
            }
            for (String direction : List.of("ingress", "egress")) {
                for (JsonNode rule : np.path("spec").path(direction)) {
                    List<Pod> peers = new ArrayList<>();
                    boolean peersInNamespace = false;
                    for (JsonNode peer : rule.path(direction.equals("ingress") ? "from" : "to")) {
                        if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
                            peersInNamespace = true;
                            List<Pod> matched = pods.stream().filter(p -> Pods.selects(peer.path("podSelector"), p.labels())).toList();
                            if (matched.isEmpty()) {
                                problem(np, direction + " peer " + peer.path("podSelector") + " selects no pod of this overlay");
                            }
                            peers.addAll(matched);
                        }
                    }
                    // A named port is looked up on the pods that receive the traffic.
                    List<Pod> receivers = direction.equals("ingress") ? selected : peers;
                    boolean checkable = direction.equals("ingress") || peersInNamespace;
                    for (JsonNode port : rule.path("ports")) {
                        if (checkable && port.path("port").isTextual()) {
                            for (Pod p : receivers) {
                                if (!p.portNames().contains(port.path("port").asText())) {
                                    problem(np, direction + " port '" + port.path("port").asText() + "' is not a port name of " + p.owner());
                                }
                            }
                        } else if (checkable && port.path("port").isInt()) {
                            for (Pod p : receivers) {
                                if (!p.ports().isEmpty() && !p.ports().contains(port.path("port").asInt())) {
                                    problem(np, direction + " port " + port.path("port").asInt() + " is not a port of " + p.owner());
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    // ---- autoscaling and disruption budgets ------------------------------------------------------------------

    private void scaling() {
        rendered.ofKind("HorizontalPodAutoscaler").forEach(h -> {
            JsonNode target = h.path("spec").path("scaleTargetRef");
            var deployment = rendered.ofKind(target.path("kind").asText())
                    .filter(d -> target.path("name").asText().equals(Rendered.name(d))).findFirst();
            if (deployment.isEmpty()) {
                problem(h, "scaleTargetRef " + target + " does not exist");
            } else if (deployment.get().path("spec").has("replicas")) {
                problem(h, Rendered.id(deployment.get()) + " sets spec.replicas, which every apply would reset under the autoscaler");
            }
            if (h.path("spec").path("minReplicas").asInt(1) > h.path("spec").path("maxReplicas").asInt()) {
                problem(h, "minReplicas is above maxReplicas");
            }
        });
        rendered.ofKind("PodDisruptionBudget").forEach(pdb -> {
            if (pods.stream().noneMatch(p -> Pods.selects(pdb.path("spec").path("selector"), p.labels()))) {
                problem(pdb, "selector selects no pod of this overlay");
            }
        });
        rendered.workloads().forEach(d -> {
            Map<String, String> labels = Pods.labels(d.path("spec").path("template").path("metadata").path("labels"));
            if (!Pods.selects(d.path("spec").path("selector"), labels)) {
                problem(d, "spec.selector does not match its own pod template");
            }
            if (rendered.ofKind("PodDisruptionBudget").noneMatch(pdb -> Pods.selects(pdb.path("spec").path("selector"), labels))) {
                problem(d, "no PodDisruptionBudget covers its pods");
            }
        });
    }

    // ---- StatefulSets: their governing Service and their volumes ----------------------------------------------

    private void statefulSets() {
        rendered.ofKind("StatefulSet").forEach(st -> {
            String serviceName = st.path("spec").path("serviceName").asText();
            Map<String, String> labels = Pods.labels(st.path("spec").path("template").path("metadata").path("labels"));
            boolean governed = rendered.ofKind("Service").anyMatch(s -> serviceName.equals(Rendered.name(s))
                    && "None".equals(s.path("spec").path("clusterIP").asText())
                    && !s.path("spec").path("selector").isEmpty()
                    && Pods.selectsByMap(s.path("spec").path("selector"), labels));
            if (!governed) {
                problem(st, "serviceName '" + serviceName + "' names no headless Service (clusterIP: None) of this overlay"
                        + " that selects its pods");
            }
            for (JsonNode claim : st.path("spec").path("volumeClaimTemplates")) {
                String where = "volumeClaimTemplate " + Rendered.name(claim);
                if (claim.path("spec").path("accessModes").isEmpty()) {
                    problem(st, where + ": no accessModes");
                }
                if (!claim.path("spec").path("resources").path("requests").has("storage")) {
                    problem(st, where + ": requests no storage");
                }
            }
        });
    }

    // ---- call-ingest's journal: on a volume of the pod's own ---------------------------------------------------

    private void journal() {
        rendered.workloads().filter(w -> JOURNAL_SERVICE.equals(Rendered.name(w))).forEach(w -> {
            Set<String> claims = new HashSet<>();
            w.path("spec").path("volumeClaimTemplates").forEach(t -> claims.add(Rendered.name(t)));
            for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
                String where = "container " + c.path("name").asText();
                String path = null;
                for (JsonNode env : c.path("env")) {
                    if (JOURNAL_PATH.equals(env.path("name").asText())) {
                        path = env.path("value").asText(null);
                    }
                }
                if (path == null) {
                    problem(w, where + ": sets no " + JOURNAL_PATH + " value; the default journal path is relative to"
                            + " the working directory, on the read-only root filesystem");
                    continue;
                }
                boolean onClaim = false;
                for (JsonNode mount : c.path("volumeMounts")) {
                    String dir = mount.path("mountPath").asText();
                    onClaim |= claims.contains(mount.path("name").asText()) && !dir.isEmpty()
                            && path.startsWith(dir.endsWith("/") ? dir : dir + "/");
                }
                if (!onClaim) {
                    problem(w, where + ": " + JOURNAL_PATH + " " + path + " is not on a volumeClaimTemplate's mount:"
                            + " the journal must outlive the container and the pod");
                }
            }
        });
    }

    // ---- Kafka: node pools and topics ------------------------------------------------------------------------

    private void kafka() {
        Set<String> clusters = new HashSet<>();
        rendered.ofKind("Kafka").forEach(k -> clusters.add(Rendered.name(k)));
        Consumer<ObjectNode> belongs = o -> {
            String cluster = o.path("metadata").path("labels").path("strimzi.io/cluster").asText();
            if (!clusters.contains(cluster)) {
                problem(o, "label strimzi.io/cluster '" + cluster + "' names no Kafka of this overlay");
            }
        };
        rendered.ofKind("KafkaNodePool").forEach(belongs);
        rendered.ofKind("KafkaTopic").forEach(belongs);
        rendered.ofKind("KafkaUser").forEach(belongs);
        kafkaUsers();
        rendered.ofKind("Kafka").forEach(k -> {
            Set<String> roles = new HashSet<>();
            rendered.ofKind("KafkaNodePool")
                    .filter(p -> Rendered.name(k).equals(p.path("metadata").path("labels").path("strimzi.io/cluster").asText()))
                    .forEach(p -> p.path("spec").path("roles").forEach(r -> roles.add(r.asText())));
            if (!roles.containsAll(Set.of("controller", "broker"))) {
                problem(k, "its KafkaNodePools must provide both KRaft roles, controller and broker; they have " + roles);
            }
        });
        Set<String> declared = new TreeSet<>();
        rendered.ofKind("KafkaTopic").forEach(t -> {
            String topic = t.path("spec").path("topicName").asText(Rendered.name(t));
            declared.add(topic);
            JsonNode config = t.path("spec").path("config");
            if (!config.has("retention.ms") || !config.has("cleanup.policy")) {
                problem(t, "must choose retention.ms and cleanup.policy explicitly");
            }
            if (t.path("spec").path("partitions").asInt(0) < 1) {
                problem(t, "must set its partitions");
            }
        });
        if (!declared.equals(new TreeSet<>(topicsInCode))) {
            Set<String> missing = new TreeSet<>(topicsInCode);
            missing.removeAll(declared);
            Set<String> extra = new TreeSet<>(declared);
            extra.removeAll(topicsInCode);
            problems.add("KafkaTopics do not match the topics the services use: missing " + missing + ", unused " + extra);
        }
    }

    /**
     * Each service logs in as the KafkaUser of its name, over a listener that asks for that user's kind of login, and
     * its ACLs allow exactly what its application.properties use: a missing ACL breaks the service at run time, a
     * spare one gives it more than it needs.
     */
    private void kafkaUsers() {
        rendered.ofKind("Kafka").forEach(k -> {
            boolean authorizes = !k.path("spec").path("kafka").path("authorization").path("type").asText().isEmpty();
            if (rendered.ofKind("KafkaUser").findAny().isPresent() && !authorizes) {
                problem(k, "has KafkaUsers but no spec.kafka.authorization: their ACLs would not be enforced");
            }
            for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
                if (!l.path("tls").asBoolean(false) || l.path("authentication").path("type").asText().isEmpty()) {
                    problem(k, "listener " + l.path("name").asText() + " must use TLS and authenticate its clients: the"
                            + " records carry callers' phone numbers");
                }
            }
        });
        kafkaUseInCode.forEach((service, needs) -> {
            var user = rendered.ofKind("KafkaUser").filter(u -> service.equals(Rendered.name(u))).findFirst();
            if (user.isEmpty()) {
                problems.add("KafkaUser: no KafkaUser " + service + " for the service of that name");
                return;
            }
            Set<String> granted = new TreeSet<>();
            for (JsonNode acl : user.get().path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                String name = resource.path("name").asText() + ("prefix".equals(resource.path("patternType").asText()) ? "*" : "");
                for (JsonNode op : acl.path("operations")) {
                    granted.add(resource.path("type").asText() + ":" + name + ":" + op.asText());
                }
            }
            Set<String> wanted = new TreeSet<>();
            for (String need : needs) {
                wanted.add(need);
                if (need.startsWith("topic:")) {
                    // Clients look a topic's partitions up before they read or write it.
                    wanted.add(need.substring(0, need.lastIndexOf(':')) + ":Describe");
                }
            }
            Set<String> missing = new TreeSet<>(wanted);
            missing.removeIf(w -> granted.stream().anyMatch(g -> covers(g, w)));
            Set<String> spare = new TreeSet<>(granted);
            spare.removeIf(g -> wanted.stream().anyMatch(w -> covers(g, w)));
            if (!missing.isEmpty()) {
                problem(user.get(), "lacks ACLs its service's application.properties need: " + missing);
            }
            if (!spare.isEmpty()) {
                problem(user.get(), "has ACLs its service's application.properties do not use: " + spare);
            }
            rendered.workloads().filter(w -> service.equals(Rendered.name(w))).forEach(w -> {
                boolean logsIn = false;
                for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
                    for (JsonNode env : c.path("env")) {
                        logsIn |= "KAFKA_SASL_JAAS_CONFIG".equals(env.path("name").asText())
                                && service.equals(env.path("valueFrom").path("secretKeyRef").path("name").asText());
                    }
                }
                if (!logsIn) {
                    problem(w, "does not log in to Kafka as its KafkaUser (KAFKA_SASL_JAAS_CONFIG from the Secret " + service + ")");
                }
            });
        });
    }

    /** Whether a granted type:name:operation allows a wanted one; a name ending in * is a prefix. */
    private static boolean covers(String granted, String wanted) {
        String[] g = granted.split(":");
        String[] w = wanted.split(":");
        if (!g[0].equals(w[0]) || !g[2].equals(w[2])) {
            return false;
        }
        return g[1].endsWith("*") ? w[1].startsWith(g[1].substring(0, g[1].length() - 1)) : g[1].equals(w[1]);
    }

    // ---- Gateway API routes: beside the Ingress, to the same Services and hosts ---------------------------------

    private void httpRoutes() {
        Set<String> ingressHosts = new HashSet<>();
        rendered.ofKind("Ingress").forEach(i -> i.path("spec").path("rules").forEach(r -> ingressHosts.add(r.path("host").asText())));
        rendered.ofKind("HTTPRoute").forEach(route -> {
            if (route.path("spec").path("parentRefs").isEmpty()) {
                problem(route, "has no parentRefs: no Gateway would serve it");
            }
            route.path("spec").path("hostnames").forEach(h -> {
                if (!ingressHosts.contains(h.asText())) {
                    problem(route, "hostname " + h.asText() + " is no host of this overlay's Ingresses " + ingressHosts);
                }
            });
            for (JsonNode rule : route.path("spec").path("rules")) {
                for (JsonNode ref : rule.path("backendRefs")) {
                    if (!ref.path("kind").asText("Service").equals("Service") || ref.has("namespace")) {
                        continue;
                    }
                    var service = rendered.ofKind("Service").filter(sv -> ref.path("name").asText().equals(Rendered.name(sv))).findFirst();
                    if (service.isEmpty()) {
                        problem(route, "backendRef " + ref.path("name").asText() + " is no Service of this overlay");
                        continue;
                    }
                    boolean port = false;
                    for (JsonNode p : service.get().path("spec").path("ports")) {
                        port |= p.path("port").asInt() == ref.path("port").asInt();
                    }
                    if (!port) {
                        problem(route, "backendRef " + ref.path("name").asText() + " port " + ref.path("port").asInt()
                                + " is not a port of " + Rendered.id(service.get()));
                    }
                }
            }
        });
    }

    // ---- PostgreSQL backups through the Barman Cloud plugin --------------------------------------------------

    static final String BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";

    /** The plugin's ObjectStore exists, and a plugin backup is scheduled only for a cluster that has the plugin. */
    private void backups() {
        Set<String> stores = new HashSet<>();
        rendered.ofKind("ObjectStore").forEach(o -> stores.add(Rendered.name(o)));
        Map<String, Set<String>> pluginsOf = new HashMap<>();
        rendered.ofKind("Cluster").forEach(c -> {
            Set<String> plugins = new HashSet<>();
            for (JsonNode plugin : c.path("spec").path("plugins")) {
                if (!plugin.path("enabled").asBoolean(true)) {
                    continue;
                }
                plugins.add(plugin.path("name").asText());
                if (BARMAN_CLOUD_PLUGIN.equals(plugin.path("name").asText())) {
                    String store = plugin.path("parameters").path("barmanObjectName").asText();
                    if (!stores.contains(store)) {
                        problem(c, "plugin " + BARMAN_CLOUD_PLUGIN + ": barmanObjectName '" + store
                                + "' names no ObjectStore of this overlay " + stores);
                    }
                }
            }
            if (c.path("spec").path("backup").has("barmanObjectStore")) {
                problem(c, "spec.backup.barmanObjectStore is deprecated: back up through the Barman Cloud plugin"
                        + " (spec.plugins and an ObjectStore)");
            }
            pluginsOf.put(Rendered.name(c), plugins);
        });
        rendered.ofKind("ScheduledBackup").forEach(b -> {
            String cluster = b.path("spec").path("cluster").path("name").asText();
            if (!pluginsOf.containsKey(cluster)) {
                problem(b, "cluster '" + cluster + "' is no Cluster of this overlay");
                return;
            }
            if (!"plugin".equals(b.path("spec").path("method").asText())) {
                problem(b, "method must be plugin (the Barman Cloud plugin), is '" + b.path("spec").path("method").asText("barmanObjectStore") + "'");
            } else if (!pluginsOf.get(cluster).contains(b.path("spec").path("pluginConfiguration").path("name").asText())) {
                problem(b, "pluginConfiguration names '" + b.path("spec").path("pluginConfiguration").path("name").asText()
                        + "', which Cluster " + cluster + " does not enable");
            }
        });
    }

    // ---- the services' connection settings point at what the overlay creates ---------------------------------

    private void connectionSettings() {
        rendered.ofKind("ConfigMap").filter(cm -> cm.path("data").has("KAFKA_BOOTSTRAP_SERVERS")).forEach(cm -> {
            JsonNode data = cm.path("data");
            Set<String> bootstraps = new HashSet<>();
            rendered.ofKind("Kafka").forEach(k -> k.path("spec").path("kafka").path("listeners").forEach(l ->
                    bootstraps.add(Rendered.name(k) + "-kafka-bootstrap:" + l.path("port").asInt())));
            if (!bootstraps.contains(data.path("KAFKA_BOOTSTRAP_SERVERS").asText())) {
                problem(cm, "KAFKA_BOOTSTRAP_SERVERS " + data.path("KAFKA_BOOTSTRAP_SERVERS").asText()
                        + " is none of the Kafka listeners' bootstrap addresses " + bootstraps);
            }
            Set<String> databases = new HashSet<>();
            rendered.ofKind("Cluster").forEach(c -> databases.add(Rendered.name(c) + "-rw:5432/"
                    + c.path("spec").path("bootstrap").path("initdb").path("database").asText()));
            for (String key : List.of("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_REACTIVE_URL")) {
                String url = data.path(key).asText();
                if (databases.stream().noneMatch(db -> url.endsWith("://" + db))) {
                    problem(cm, key + " " + url + " is not the read-write service and database of a PostgreSQL Cluster " + databases);
                }
            }
        });
    }

    // ---- each service's own database login; the owner only migrates --------------------------------------------

    /**
     * The owner's Secret (CloudNativePG's {cluster}-app) feeds call-state's Flyway only; every service's datasource
     * logs in with a login of the Cluster's managed roles, a member of a group role migration V16 grants to.
     */
    private void databaseLogins() {
        Set<String> ownerSecrets = new HashSet<>();
        Map<String, JsonNode> loginSecrets = new HashMap<>();
        rendered.ofKind("Cluster").forEach(c -> {
            ownerSecrets.add(Rendered.name(c) + "-app");
            c.path("spec").path("managed").path("roles").forEach(role -> {
                if (role.path("login").asBoolean() && role.has("passwordSecret")) {
                    loginSecrets.put(role.path("passwordSecret").path("name").asText(), role);
                }
            });
        });
        rendered.workloads().forEach(d -> d.path("spec").path("template").path("spec").path("containers").forEach(c -> {
            boolean datasource = false;
            for (JsonNode env : c.path("env")) {
                String name = env.path("name").asText();
                String secret = env.path("valueFrom").path("secretKeyRef").path("name").asText();
                if (ownerSecrets.contains(secret) && !name.startsWith("QUARKUS_FLYWAY_")) {
                    problem(d, name + " comes from the database owner's Secret " + secret + ": only the migrations"
                            + " (QUARKUS_FLYWAY_USERNAME/_PASSWORD) run as the owner; the service logs in as its own"
                            + " managed role");
                }
                if (name.equals("QUARKUS_DATASOURCE_USERNAME")) {
                    datasource = true;
                    JsonNode role = loginSecrets.get(secret);
                    if (role == null) {
                        problem(d, "QUARKUS_DATASOURCE_USERNAME comes from '" + secret + "', the Secret of no login"
                                + " among the PostgreSQL Cluster's managed roles");
                    } else if (!role.path("inRoles").toString().contains("\"switchboard_")) {
                        problem(d, "its database login " + role.path("name").asText() + " is a member of none of"
                                + " the group roles migration V16 grants to (switchboard_…)");
                    }
                }
            }
            if (!datasource && c.toString().contains("QUARKUS_DATASOURCE_")) {
                problem(d, "sets a datasource without QUARKUS_DATASOURCE_USERNAME: it would log in as the default");
            }
        }));
    }

    // ---- one namespace, one label ----------------------------------------------------------------------------

    private void namespaceAndLabels() {
        List<String> namespaces = rendered.ofKind("Namespace").map(Rendered::name).toList();
        if (namespaces.size() != 1) {
            problems.add("an overlay must create exactly one Namespace, this one creates " + namespaces);
        }
        for (ObjectNode o : rendered.objects()) {
            if (!"switchboard".equals(o.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())) {
                problem(o, "lacks the label app.kubernetes.io/part-of: switchboard");
            }
            if (!"Namespace".equals(o.path("kind").asText()) && namespaces.size() == 1
                    && !namespaces.get(0).equals(o.path("metadata").path("namespace").asText())) {
                problem(o, "is not in the namespace " + namespaces.get(0));
            }
        }
    }
}
