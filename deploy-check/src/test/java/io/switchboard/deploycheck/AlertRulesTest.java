package io.switchboard.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The alerts behave: promtool's unit tests (deploy/monitoring/prometheus-rules-test.yaml) run against the
 * PrometheusRule as rendered, every alert has a test in which it fires and one in which it stays silent, and a
 * changed threshold makes them fail.
 */
class AlertRulesTest {
    private static final Path UNIT_TESTS = Project.DEPLOY.resolve("monitoring/prometheus-rules-test.yaml");

    private static ObjectNode rule() {
        return RenderedOverlaysTest.render(Project.DEPLOY.resolve("overlays/prod-monitoring")).copy()
                .get("PrometheusRule", "switchboard");
    }

    @Test
    void theUnitTestsPass() {
        assertThat(Promtool.testRules(rule().path("spec").path("groups"), UNIT_TESTS)).as("promtool test rules").isEmpty();
    }

    @Test
    void everyAlertFiresInATestAndStaysSilentInAnother() throws IOException {
        Set<String> alerts = new TreeSet<>();
        rule().path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r.path("alert").asText());
            }
        }));
        Set<String> fires = new HashSet<>();
        Set<String> silent = new HashSet<>();
        JsonNode tests = Rendered.YAML.readTree(UNIT_TESTS.toFile());
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                if (check.path("exp_alerts").isEmpty()) {
                    silent.add(alert);
                } else {
                    fires.add(alert);
                    check.path("exp_alerts").forEach(e -> assertThat(e.path("exp_annotations").has("runbook"))
                            .as(alert + ": a firing test states the annotations it expects").isTrue());
                }
            }
        }
        assertThat(fires).as("alerts with a test where they fire").containsAll(alerts);
        assertThat(silent).as("alerts with a test where they stay silent").containsAll(alerts);
    }

    @Test
    void aChangedThresholdFailsTheUnitTests() {
        ObjectNode rule = rule();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if ("SwitchboardRealtimeBroken".equals(r.path("alert").asText())) {
                    ((ObjectNode) r).put("expr", r.path("expr").asText().replace("> 60", "> 120"));
                }
            }
        }
        assertThat(Promtool.testRules(rule.path("spec").path("groups"), UNIT_TESTS))
                .contains("SwitchboardRealtimeBroken");
    }
}
