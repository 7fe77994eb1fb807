package io.switchboard.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay in deploy/overlays, rendered by kubectl kustomize, is valid and sound. */
class RenderedOverlaysTest {
    private static final Map<Path, Rendered> RENDERED = new ConcurrentHashMap<>();
    private static StrictSchemas schemas;

    @BeforeAll
    static void setUp() {
        schemas = new StrictSchemas();
        System.out.println("deploy-check: " + Kubectl.version(Project.DEPLOY));
        System.out.println("deploy-check: checked against CRD schemas: " + schemas.crdTypes());
    }

    static List<Path> overlays() {
        return Project.overlays();
    }

    static Rendered render(Path overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> Rendered.parse(o.getFileName().toString(),
                Kubectl.kustomize(Project.DEPLOY, o)));
    }

    @Test
    void thereAreTheDevAndProdOverlays() {
        assertThat(overlays()).extracting(p -> p.getFileName().toString())
                .contains("dev", "prod", "dev-monitoring", "prod-monitoring");
    }

    /**
     * dev and prod install on a cluster without the Prometheus Operator's CRDs; their -monitoring overlays add the
     * monitoring objects, all of them.
     */
    @Test
    void monitoringIsAnOverlayOfItsOwn() {
        for (String plain : List.of("dev", "prod")) {
            Rendered without = render(Project.DEPLOY.resolve("overlays").resolve(plain));
            Rendered with = render(Project.DEPLOY.resolve("overlays").resolve(plain + "-monitoring"));
            assertThat(without.objects()).as(plain + " renders no monitoring.coreos.com object")
                    .noneMatch(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com/"));
            assertThat(with.objects().stream().map(o -> o.path("kind").asText()).toList()).as(plain + "-monitoring")
                    .contains("ServiceMonitor", "PodMonitor", "PrometheusRule");
            assertThat(with.objects().stream().filter(o -> o.path("kind").asText().equals("PodMonitor")).map(Rendered::name))
                    .contains("switchboard-kafka", "switchboard-postgres", "switchboard-kafka-exporter");
            assertThat(with.objects()).hasSize(without.objects().size()
                    + render(Project.DEPLOY.resolve("monitoring")).objects().size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyObjectMatchesItsSchemaStrictly(Path overlay) {
        Rendered rendered = render(overlay);
        assertThat(rendered.objects()).as("objects rendered").hasSizeGreaterThan(10);
        List<String> problems = new ArrayList<>();
        rendered.objects().forEach(o -> problems.addAll(schemas.validate(o)));
        assertThat(problems).as("schema problems in " + overlay.getFileName()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theRulesHold(Path overlay) {
        List<String> problems = Rules.check(render(overlay), Project.documentedSecrets(), Project.topicsInCode());
        assertThat(problems).as("rule violations in " + overlay.getFileName()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyServiceIsDeployed(Path overlay) {
        Rendered rendered = render(overlay);
        for (String service : Project.SERVICES) {
            assertThat(rendered.workload(service)).isNotNull();
            assertThat(rendered.get("Service", service)).isNotNull();
        }
    }

    /** The README's list of secrets you create is not stale: every secret in it is used by some overlay. */
    @Test
    void everyDocumentedSecretIsUsed() {
        Set<String> used = new HashSet<>();
        for (Path overlay : overlays()) {
            String yaml = render(overlay).objects().toString();
            Project.documentedSecrets().keySet().stream().filter(s -> yaml.contains("\"" + s + "\"")).forEach(used::add);
        }
        assertThat(used).containsExactlyInAnyOrderElementsOf(Project.documentedSecrets().keySet());
    }
}
