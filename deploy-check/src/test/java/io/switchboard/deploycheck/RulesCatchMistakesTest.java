package io.switchboard.deploycheck;

import static io.switchboard.deploycheck.BrokenOverlay.dev;
import static io.switchboard.deploycheck.BrokenOverlay.problemsAfter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checks can fail: the real dev overlay, rendered, then broken in one place at a time, must be reported — and
 * with a message that says where.
 */
class RulesCatchMistakesTest {
    private static ObjectNode container(Rendered r, String workload) {
        return (ObjectNode) r.workload(workload).path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static ObjectNode env(Rendered r, String workload, String name) {
        for (var env : container(r, workload).path("env")) {
            if (name.equals(env.path("name").asText())) {
                return (ObjectNode) env;
            }
        }
        throw new AssertionError("no env " + name + " in " + workload);
    }

    @Test
    void theUnbrokenOverlayIsClean() {
        assertThat(problemsAfter(r -> { })).isEmpty();
    }

    @Test
    void aMisspeltKubernetesFieldIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode c = container(r, "call-state");
            c.set("readinesProbe", c.remove("readinessProbe"));
        })).anyMatch(p -> p.contains("Deployment/call-state") && p.contains("readinesProbe"))
                .anyMatch(p -> p.contains("no readinessProbe"));
    }

    @Test
    void aNumberWhereKubernetesWantsAStringIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) container(r, "call-ingest").path("env").get(0)).put("value", 8081)))
                .anyMatch(p -> p.startsWith("StatefulSet/call-ingest"));
    }

    @Test
    void aMisspeltStrimziFieldIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("KafkaTopic", "switchboard.presence").path("spec"))
                .put("partition", 3))).anyMatch(p -> p.contains("KafkaTopic/switchboard.presence") && p.contains("partition"));
    }

    @Test
    void aStrimziVersionTheOperatorNoLongerServesIsCaught() {
        assertThat(problemsAfter(r -> r.get("Kafka", "switchboard").put("apiVersion", "kafka.strimzi.io/v1beta2")))
                .anyMatch(p -> p.contains("Kafka/switchboard") && p.contains("kafka.strimzi.io/v1beta2")
                        && p.contains("not served"));
    }

    @Test
    void aFieldStrimziDroppedFromItsCurrentApiIsCaught() {
        // v1beta2's single `operation` per ACL rule; kafka.strimzi.io/v1 only has the list `operations`.
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("KafkaUser", "call-ingest").path("spec").path("authorization")
                .path("acls").get(0)).put("operation", "Write")))
                .anyMatch(p -> p.contains("KafkaUser/call-ingest") && p.contains("operation"));
    }

    @Test
    void aWrongTypeInAStrimziFieldIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("KafkaTopic", "switchboard.presence").path("spec"))
                .put("partitions", "12"))).anyMatch(p -> p.contains("KafkaTopic/switchboard.presence") && p.contains("partitions"));
    }

    @Test
    void aKafkaUserMissingAnAclItsServiceNeedsIsCaught() {
        assertThat(problemsAfter(r -> ((ArrayNode) r.get("KafkaUser", "call-state").path("spec").path("authorization")
                .path("acls")).remove(8)))
                .anyMatch(p -> p.contains("KafkaUser/call-state") && p.contains("lacks") && p.contains("switchboard.dead-letters"));
    }

    @Test
    void aKafkaUserWithAnAclItsServiceDoesNotUseIsCaught() {
        assertThat(problemsAfter(r -> ((ArrayNode) r.get("KafkaUser", "call-ingest").path("spec").path("authorization")
                .path("acls")).addObject().<ObjectNode>set("resource", Rendered.YAML.createObjectNode()
                        .put("type", "topic").put("name", "switchboard.state-changes").put("patternType", "literal"))
                .putArray("operations").add("Read")))
                .anyMatch(p -> p.contains("KafkaUser/call-ingest") && p.contains("do not use")
                        && p.contains("topic:switchboard.state-changes:Read"));
    }

    @Test
    void aPlainKafkaListenerOrAServiceWithoutItsLoginIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode listener = (ObjectNode) r.get("Kafka", "switchboard").path("spec").path("kafka").path("listeners").get(0);
            listener.put("tls", false);
            listener.remove("authentication");
            env(r, "presence-gateway", "KAFKA_SASL_JAAS_CONFIG").with("valueFrom").with("secretKeyRef").put("name", "call-state");
        })).anyMatch(p -> p.contains("Kafka/switchboard") && p.contains("must use TLS"))
                .anyMatch(p -> p.contains("Deployment/presence-gateway") && p.contains("does not log in"));
    }

    @Test
    void aBackupToAnObjectStoreThatDoesNotExistIsCaught() {
        assertThat(BrokenOverlay.problemsIn("prod", r -> r.get("ObjectStore", "switchboard-backups")
                .with("metadata").put("name", "switchboard-backup")))
                .anyMatch(p -> p.contains("Cluster/switchboard-db") && p.contains("barmanObjectName 'switchboard-backups'"));
    }

    @Test
    void aScheduledBackupWithoutThePluginIsCaught() {
        assertThat(BrokenOverlay.problemsIn("prod", r -> ((ObjectNode) r.get("ScheduledBackup", "switchboard-db-nightly")
                .path("spec")).remove("method")))
                .anyMatch(p -> p.contains("ScheduledBackup/switchboard-db-nightly") && p.contains("method must be plugin"));
    }

    @Test
    void aMisspeltObjectStoreFieldIsCaught() {
        assertThat(BrokenOverlay.problemsIn("prod", r -> ((ObjectNode) r.get("ObjectStore", "switchboard-backups")
                .path("spec").path("configuration")).put("destinationPth", "s3://x")))
                .anyMatch(p -> p.contains("ObjectStore/switchboard-backups") && p.contains("destinationPth"));
    }

    @Test
    void anHttpRouteToAWrongPortOrHostIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode spec = (ObjectNode) r.get("HTTPRoute", "switchboard-agents").path("spec");
            ((ObjectNode) spec.path("rules").get(0).path("backendRefs").get(0)).put("port", 8080);
            ((ArrayNode) spec.path("hostnames")).set(0, "switchboard.example.com");
        })).anyMatch(p -> p.contains("HTTPRoute/switchboard-agents") && p.contains("port 8080"))
                .anyMatch(p -> p.contains("HTTPRoute/switchboard-agents") && p.contains("hostname switchboard.example.com"));
    }

    @Test
    void aMisspeltHttpRouteFieldIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("HTTPRoute", "switchboard-agents").path("spec"))
                .set("hostname", ((ObjectNode) r.get("HTTPRoute", "switchboard-agents").path("spec")).remove("hostnames"))))
                .anyMatch(p -> p.contains("HTTPRoute/switchboard-agents") && p.contains("hostname"));
    }

    @Test
    void aMisspeltCloudNativePgFieldIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("Cluster", "switchboard-db").path("spec"))
                .put("instance", 2))).anyMatch(p -> p.contains("Cluster/switchboard-db") && p.contains("instance"));
    }

    @Test
    void aKindNobodyExpectedIsCaught() {
        assertThat(problemsAfter(r -> r.get("Namespace", "switchboard-dev").put("apiVersion", "v2")))
                .anyMatch(p -> p.contains("is not a kind these tests know"));
    }

    @Test
    void aContainerRunningAsRootOrWritableIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode security = (ObjectNode) container(r, "presence-gateway").path("securityContext");
            security.put("readOnlyRootFilesystem", false);
            security.put("allowPrivilegeEscalation", true);
            ((ObjectNode) r.get("Deployment", "presence-gateway").path("spec").path("template").path("spec")
                    .path("securityContext")).put("runAsNonRoot", false);
            security.remove("runAsNonRoot");
        })).anyMatch(p -> p.contains("readOnlyRootFilesystem")).anyMatch(p -> p.contains("allowPrivilegeEscalation"))
                .anyMatch(p -> p.contains("runAsNonRoot"));
    }

    @Test
    void missingLimitsAreCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) container(r, "call-state").path("resources")).remove("limits")))
                .anyMatch(p -> p.contains("no memory limit")).anyMatch(p -> p.contains("no cpu limit"));
    }

    @Test
    void aSecretNobodyCreatesIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) container(r, "call-state").path("env").get(1).path("valueFrom")
                .path("secretKeyRef")).put("name", "twilio-credentials")))
                .anyMatch(p -> p.contains("'twilio-credentials'"));
        assertThat(problemsAfter(r -> ((ObjectNode) container(r, "call-state").path("env").get(1).path("valueFrom")
                .path("secretKeyRef")).put("key", "ACCOUNT_SID")))
                .anyMatch(p -> p.contains("key 'ACCOUNT_SID'"));
    }

    @Test
    void aConfigMapRefThatMissedTheGeneratedNameIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) container(r, "call-ingest").path("envFrom").get(0).path("configMapRef"))
                .put("name", "switchboard-config"))).anyMatch(p -> p.contains("ConfigMap 'switchboard-config'"));
    }

    @Test
    void aServiceSelectingNoPodIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("Service", "call-state").path("spec").path("selector"))
                .put("app.kubernetes.io/name", "callstate"))).anyMatch(p -> p.contains("Service/call-state") && p.contains("matches no"));
    }

    @Test
    void anIngressToAMissingServiceOrPortIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode backend = (ObjectNode) r.get("Ingress", "switchboard-twilio").path("spec").path("rules").get(0)
                    .path("http").path("paths").get(0).path("backend").path("service");
            backend.put("name", "ingest");
        })).anyMatch(p -> p.contains("backend Service ingest does not exist"));
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("Ingress", "switchboard-agents").path("spec").path("rules").get(0)
                .path("http").path("paths").get(0).path("backend").path("service").path("port")).put("name", "web")))
                .anyMatch(p -> p.contains("is not a port of Service presence-gateway"));
    }

    @Test
    void aNetworkPolicyForPodsThatDoNotExistIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("NetworkPolicy", "services-to-kafka").path("spec").path("egress")
                .get(0).path("to").get(0).path("podSelector").path("matchLabels")).put("app.kubernetes.io/part-of", "switchboard")))
                .anyMatch(p -> p.contains("NetworkPolicy/services-to-kafka") && p.contains("selects no pod"));
        assertThat(problemsAfter(r -> r.objects().removeIf(o -> "default-deny".equals(Rendered.name(o)))))
                .anyMatch(p -> p.contains("no default deny"));
    }

    @Test
    void aMisspeltStatefulSetFieldIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode spec = (ObjectNode) r.workload("call-ingest").path("spec");
            spec.set("volumeClaimTemplate", spec.remove("volumeClaimTemplates"));
        })).anyMatch(p -> p.startsWith("StatefulSet/call-ingest") && p.contains("volumeClaimTemplate"))
                .anyMatch(p -> p.contains("volumeMount journal names no volume and no volumeClaimTemplate"));
    }

    @Test
    void aStatefulSetWithoutItsHeadlessServiceIsCaught() {
        assertThat(problemsAfter(r -> r.objects().removeIf(o -> "call-ingest-headless".equals(Rendered.name(o)))))
                .anyMatch(p -> p.contains("StatefulSet/call-ingest: serviceName 'call-ingest-headless' names no headless Service"));
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("Service", "call-ingest-headless").path("spec")).remove("clusterIP")))
                .anyMatch(p -> p.contains("names no headless Service"));
    }

    @Test
    void aJournalOffItsOwnVolumeIsCaught() {
        assertThat(problemsAfter(r -> env(r, "call-ingest", "SWITCHBOARD_INGEST_JOURNAL_PATH").put("value", "/tmp/journal.db")))
                .anyMatch(p -> p.contains("StatefulSet/call-ingest") && p.contains("/tmp/journal.db is not on a volumeClaimTemplate's mount"));
        assertThat(problemsAfter(r -> ((ArrayNode) container(r, "call-ingest").path("env"))
                .removeIf(e -> "SWITCHBOARD_INGEST_JOURNAL_PATH".equals(e.path("name").asText()))))
                .anyMatch(p -> p.contains("sets no SWITCHBOARD_INGEST_JOURNAL_PATH value"));
    }

    @Test
    void aClaimItsNonRootUserCannotWriteIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.workload("call-ingest").path("spec").path("template").path("spec")
                .path("securityContext")).remove("fsGroup")))
                .anyMatch(p -> p.contains("StatefulSet/call-ingest") && p.contains("mounts the claim journal but the pod sets no non-zero fsGroup"));
    }

    @Test
    void anAutoscalerForAWorkloadOfAnotherKindIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("HorizontalPodAutoscaler", "call-ingest").path("spec")
                .path("scaleTargetRef")).put("kind", "Deployment")))
                .anyMatch(p -> p.contains("HorizontalPodAutoscaler/call-ingest: scaleTargetRef") && p.contains("does not exist"));
    }

    @Test
    void aTopicTheCodeUsesWithoutAKafkaTopicIsCaught() {
        assertThat(problemsAfter(r -> r.objects().removeIf(o -> "switchboard.dead-letters".equals(Rendered.name(o)))))
                .anyMatch(p -> p.contains("missing [switchboard.dead-letters]"));
    }

    @Test
    void aKafkaWithoutControllersIsCaught() {
        assertThat(problemsAfter(r -> ((ArrayNode) r.get("KafkaNodePool", "dual-role").path("spec").path("roles")).remove(0)))
                .anyMatch(p -> p.contains("Kafka/switchboard") && p.contains("controller and broker"));
    }

    @Test
    void wrongConnectionSettingsAreCaught() {
        assertThat(problemsAfter(r -> r.ofKind("ConfigMap").forEach(cm -> ((ObjectNode) cm.path("data"))
                .put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/switchboard"))))
                .anyMatch(p -> p.contains("QUARKUS_DATASOURCE_JDBC_URL"));
    }

    @Test
    void aServiceLoggingInAsTheDatabaseOwnerIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) env(r, "presence-gateway", "QUARKUS_DATASOURCE_USERNAME")
                .path("valueFrom").path("secretKeyRef")).put("name", "switchboard-db-app")))
                .anyMatch(p -> p.contains("presence-gateway") && p.contains("QUARKUS_DATASOURCE_USERNAME comes from"
                        + " the database owner's Secret"));
    }

    @Test
    void aLoginWithoutItsGroupRoleIsCaught() {
        assertThat(problemsAfter(r -> r.ofKind("Cluster").forEach(c -> c.path("spec").path("managed").path("roles")
                .forEach(role -> {
                    if ("call_ingest".equals(role.path("name").asText())) {
                        ((ObjectNode) role).remove("inRoles");
                    }
                }))))
                .anyMatch(p -> p.contains("call-ingest") && p.contains("member of none of the group roles"));
    }

    @Test
    void anOverlayThatNoLongerRendersFails() {
        Path nowhere = Project.DEPLOY.resolve("overlays").resolve("no-such-overlay");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Kubectl.kustomize(Project.DEPLOY, nowhere))
                .isInstanceOf(AssertionError.class).hasMessageContaining("kubectl kustomize");
    }
}
