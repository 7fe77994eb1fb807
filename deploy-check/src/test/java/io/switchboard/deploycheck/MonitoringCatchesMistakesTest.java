package io.switchboard.deploycheck;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The monitoring checks can fail: the dev overlay's ServiceMonitor, PodMonitor, PrometheusRule and dashboard, and the
 * services' meters, broken in one place at a time, must be reported, with a message that says where.
 */
class MonitoringCatchesMistakesTest {
    /** Monitoring is an overlay of its own (the plain ones install without the Prometheus Operator's CRDs). */
    private static final String OVERLAY = "dev-monitoring";

    private static Rendered dev() {
        return RenderedOverlaysTest.render(Project.DEPLOY.resolve("overlays").resolve(OVERLAY)).copy();
    }

    private static List<String> problemsAfter(Consumer<Rendered> breakIt) {
        return BrokenOverlay.problemsIn(OVERLAY, breakIt);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DASHBOARD = "switchboard-dashboard.json";

    private static ObjectNode alert(Rendered r, String name) {
        for (JsonNode group : r.get("PrometheusRule", "switchboard").path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (name.equals(rule.path("alert").asText())) {
                    return (ObjectNode) rule;
                }
            }
        }
        throw new AssertionError("no alert " + name);
    }

    /** Edits the dashboard JSON inside its ConfigMap. */
    private static void dashboard(Rendered r, Consumer<ObjectNode> edit) {
        ObjectNode data = (ObjectNode) r.get("ConfigMap", "switchboard-dashboard").path("data");
        try {
            ObjectNode dashboard = (ObjectNode) JSON.readTree(data.path(DASHBOARD).asText());
            edit.accept(dashboard);
            data.put(DASHBOARD, JSON.writeValueAsString(dashboard));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode panel(ObjectNode dashboard, String title) {
        for (JsonNode p : dashboard.path("panels")) {
            if (title.equals(p.path("title").asText())) {
                return (ObjectNode) p;
            }
        }
        throw new AssertionError("no panel " + title);
    }

    // ---- the services' meters, read from the code -------------------------------------------------------------

    @Test
    void theServicesMetersAreReadFromTheirCodeWithMicrometersNames() {
        MetricNames.Result code = MetricNames.ofServices();
        assertThat(code.problems()).isEmpty();
        assertThat(code.names()).contains(
                "switchboard_gateway_canary_age_seconds", // gauge with baseUnit seconds
                "switchboard_gateway_canary_round_trip_seconds_bucket", // timer with a histogram
                "switchboard_gateway_canary_lost_total", // counter
                "switchboard_gateway_connections", // gauge, a constant of another class
                "switchboard_state_commands_seconds_bucket", // Timer.builder("literal") with a histogram
                "switchboard_state_outbox_oldest_age_seconds",
                "switchboard_ingest_webhooks_total", // registry.counter(CONSTANT, tags…)
                "switchboard_ingest_publish_latency_seconds"); // client-side percentiles: {quantile=…}
        // timers without a histogram have no buckets: a p99 of them cannot be computed in Prometheus
        assertThat(code.names()).doesNotContain("switchboard_ingest_publish_latency_seconds_bucket",
                "switchboard_gateway_connections_total");
    }

    @Test
    void aMeterRenamedInTheCodeFailsTheAlertsAndPanelsThatReadIt() {
        List<MetricNames.Source> renamed = MetricNames.servicesSources().stream()
                .map(f -> new MetricNames.Source(f.path(), f.text().replace("\"switchboard.gateway.send.overflows\"",
                        "\"switchboard.gateway.overflows\"")))
                .toList();
        MetricNames.Result code = MetricNames.of(renamed);
        assertThat(code.names()).contains("switchboard_gateway_overflows_total")
                .doesNotContain("switchboard_gateway_send_overflows_total");

        List<String> problems = new ArrayList<>();
        Monitoring.check(dev(), code, problems);
        assertThat(problems)
                .anyMatch(p -> p.contains("rule SwitchboardSendOverflows") && p.contains("[switchboard_gateway_send_overflows_total]"))
                .anyMatch(p -> p.contains("panel 'Send-queue overflows'"));
    }

    @Test
    void aMeterWhoseNameCannotBeReadIsReportedNotSkipped() {
        MetricNames.Result code = MetricNames.of(List.of(new MetricNames.Source("X.java", """
                import io.micrometer.core.instrument.Counter;
                class X {
                    void count(String prefix) {
                        Counter.builder(prefix + ".sent").register(registry);
                    }
                    @io.micrometer.core.annotation.Timed("x.timed") void timed() { }
                }
                """)));
        assertThat(code.problems()).anyMatch(p -> p.contains("X.java") && p.contains("cannot tell the meter name"))
                .anyMatch(p -> p.contains("@Timed"));
    }

    // ---- alerts ----------------------------------------------------------------------------------------------

    @Test
    void anAlertReadingAMetricNobodyDefinesIsCaught() {
        assertThat(problemsAfter(r -> alert(r, "SwitchboardRealtimeBroken")
                .put("expr", "max by (namespace, pod) (switchboard_gateway_canary_age) > 60")))
                .anyMatch(p -> p.contains("rule SwitchboardRealtimeBroken") && p.contains("[switchboard_gateway_canary_age]"));
    }

    @Test
    void aP99OfATimerWithoutHistogramIsCaught() {
        assertThat(problemsAfter(r -> alert(r, "SwitchboardCommandsFailing").put("expr",
                "histogram_quantile(0.99, sum by (le) (rate(switchboard_ingest_publish_latency_seconds_bucket{outcome=\"stored\"}[5m]))) > 2")))
                .anyMatch(p -> p.contains("SwitchboardCommandsFailing") && p.contains("switchboard_ingest_publish_latency_seconds_bucket"));
    }

    @Test
    void anUnbalancedOrEmptyExprIsCaught() {
        assertThat(problemsAfter(r -> alert(r, "SwitchboardOutboxStalled")
                .put("expr", "max by (namespace) (switchboard_state_outbox_oldest_age_seconds > 30")))
                .anyMatch(p -> p.contains("promtool check rules") && p.contains("SwitchboardOutboxStalled")
                        && p.contains("unclosed left parenthesis"));
        assertThat(problemsAfter(r -> alert(r, "SwitchboardOutboxStalled")
                .put("expr", "sum(rate(switchboard_gateway_resyncs_total{cause=\"gap}[5m]))")))
                .anyMatch(p -> p.contains("promtool check rules") && p.contains("SwitchboardOutboxStalled")
                        && p.contains("unterminated"));
        assertThat(problemsAfter(r -> alert(r, "SwitchboardOutboxStalled").put("expr", " ")))
                .anyMatch(p -> p.contains("SwitchboardOutboxStalled") && p.contains("empty query"));
        // Balanced and well spelt, but not PromQL: only a real parser sees it.
        assertThat(problemsAfter(r -> alert(r, "SwitchboardOutboxStalled")
                .put("expr", "max by (namespace) switchboard_state_outbox_oldest_age_seconds > 30s")))
                .anyMatch(p -> p.contains("promtool check rules") && p.contains("SwitchboardOutboxStalled"));
    }

    @Test
    void aMisspeltPrometheusRuleFieldIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode rule = alert(r, "SwitchboardWebhooksFailing");
            rule.set("annotation", rule.remove("annotations"));
        })).anyMatch(p -> p.startsWith("PrometheusRule/switchboard") && p.contains("annotation") && p.contains("unknown"))
                .anyMatch(p -> p.contains("SwitchboardWebhooksFailing: no runbook annotation"));
    }

    @Test
    void anAlertWithoutSeverityOrWithABadDurationIsCaught() {
        assertThat(problemsAfter(r -> {
            ((ObjectNode) alert(r, "SwitchboardResyncStorm").path("labels")).put("severity", "critical");
            alert(r, "SwitchboardSendOverflows").put("for", "15 minutes");
        })).anyMatch(p -> p.contains("SwitchboardResyncStorm: label severity must be one of"))
                .anyMatch(p -> p.contains("SwitchboardSendOverflows: for '15 minutes'"));
    }

    @Test
    void aRunbookToAHeadingThatDoesNotExistIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) alert(r, "SwitchboardCallStateLagging").path("annotations"))
                .put("runbook", "docs/operations.md#calls-not-answered")))
                .anyMatch(p -> p.contains("SwitchboardCallStateLagging") && p.contains("names no heading"));
        assertThat(problemsAfter(r -> ((ObjectNode) alert(r, "SwitchboardCallStateLagging").path("annotations"))
                .put("runbook", "docs/operating.md#calls-not-offered")))
                .anyMatch(p -> p.contains("names a file that does not exist"));
        assertThat(problemsAfter(r -> ((ObjectNode) alert(r, "SwitchboardCallStateLagging").path("annotations"))
                .put("runbook", "https://wiki.example.com/runbooks/lag")))
                .anyMatch(p -> p.contains("must be a repository path with an anchor"));
    }

    @Test
    void headingsBecomeGitHubAnchors() {
        assertThat(Monitoring.anchors("""
                ## Runbook
                ### "Agents say their screens are stale"
                ```
                # not a heading
                ```
                ### "Realtime is late" (canary and outbox alerts)
                ## Scaling: partitions and replicas
                ## Runbook
                """)).containsExactlyInAnyOrder("runbook", "runbook-1", "agents-say-their-screens-are-stale",
                "realtime-is-late-canary-and-outbox-alerts", "scaling-partitions-and-replicas");
    }

    // ---- scraping --------------------------------------------------------------------------------------------

    @Test
    void aMisspeltServiceMonitorFieldIsCaught() {
        assertThat(problemsAfter(r -> {
            ObjectNode spec = (ObjectNode) r.get("ServiceMonitor", "switchboard-services").path("spec");
            spec.set("endpoint", spec.remove("endpoints"));
        })).anyMatch(p -> p.startsWith("ServiceMonitor/switchboard-services") && p.contains("endpoint"))
                .anyMatch(p -> p.contains("no ServiceMonitor scrapes Service call-ingest"));
    }

    @Test
    void aServiceMonitorOnAWrongPortOrMissingAServiceIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("ServiceMonitor", "switchboard-services").path("spec")
                .path("endpoints").get(0)).put("port", "metrics")))
                .anyMatch(p -> p.contains("endpoint port 'metrics' is not a port name of Service/call-state"));
        assertThat(problemsAfter(r -> ((ArrayNode) r.get("ServiceMonitor", "switchboard-services").path("spec")
                .path("selector").path("matchExpressions").get(0).path("values")).remove(1)))
                .anyMatch(p -> p.contains("no ServiceMonitor scrapes Service call-state"));
    }

    @Test
    void aServiceMonitorScrapingThePodsOfAWorkloadTwiceIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("Service", "call-ingest-headless").path("metadata").path("labels"))
                .put("app.kubernetes.io/name", "call-ingest")))
                .anyMatch(p -> p.contains("ServiceMonitor/switchboard-services") && p.contains("Service/call-ingest-headless")
                        && p.contains("StatefulSet/call-ingest") && p.contains("scraped twice"));
    }

    @Test
    void aPodMonitorForNoPodOrOnAWrongPortIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("PodMonitor", "switchboard-kafka-exporter").path("spec")
                .path("selector").path("matchLabels")).put("strimzi.io/name", "kafka-exporter")))
                .anyMatch(p -> p.contains("PodMonitor/switchboard-kafka-exporter") && p.contains("selects no pod"));
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("PodMonitor", "switchboard-kafka-exporter").path("spec")
                .path("podMetricsEndpoints").get(0)).put("port", "metrics")))
                .anyMatch(p -> p.contains("endpoint port 'metrics' is not a port name of Kafka/switchboard exporter"));
    }

    // ---- the dashboard ---------------------------------------------------------------------------------------

    @Test
    void aPanelQueryThatDoesNotParseIsCaught() {
        assertThat(problemsAfter(r -> dashboard(r, d -> ((ObjectNode) panel(d, "Claim latency (call-state)")
                .path("targets").get(0)).put("expr",
                "histogram_quantile(0.99, sum by (le) rate(switchboard_state_commands_seconds_bucket[$__rate_interval]))"))))
                .anyMatch(p -> p.contains("promtool check rules on the dashboard's queries")
                        && p.contains("panel 'Claim latency (call-state)' target A"));
    }

    @Test
    void aPanelReadingAMetricNobodyDefinesIsCaught() {
        assertThat(problemsAfter(r -> dashboard(r, d -> ((ObjectNode) panel(d, "Claim latency (call-state)")
                .path("targets").get(0)).put("expr",
                "histogram_quantile(0.99, sum by (le) (rate(switchboard_ingest_publish_latency_seconds_bucket{outcome=\"stored\"}[$__rate_interval])))"))))
                .anyMatch(p -> p.contains("panel 'Claim latency (call-state)' target A")
                        && p.contains("switchboard_ingest_publish_latency_seconds_bucket"));
    }

    @Test
    void aDashboardThatIsNotJsonIsCaught() {
        assertThat(problemsAfter(r -> ((ObjectNode) r.get("ConfigMap", "switchboard-dashboard").path("data"))
                .put(DASHBOARD, "{\"title\": \"Switchboard\", \"panels\": [")))
                .anyMatch(p -> p.contains("ConfigMap/switchboard-dashboard") && p.contains("not JSON"));
    }

    @Test
    void aDashboardWithoutItsDatasourceVariableIsCaught() {
        assertThat(problemsAfter(r -> dashboard(r, d -> ((ArrayNode) d.path("templating").path("list"))
                .removeIf(v -> "datasource".equals(v.path("name").asText())))))
                .anyMatch(p -> p.contains("needs a template variable 'datasource'"));
        assertThat(problemsAfter(r -> dashboard(r, d -> ((ObjectNode) panel(d, "Connections").path("datasource"))
                .put("uid", "P1809F7CD0C75ACF3"))))
                .anyMatch(p -> p.contains("panel 'Connections': data source must be the variable"));
    }

    @Test
    void metricNamesSkipFunctionsLabelsAndVariables() {
        assertThat(Monitoring.metricNames("""
                sum by (namespace, le) (rate(a_seconds_bucket{job="x", le!="+Inf"}[$__rate_interval]))
                / on (namespace) group_left (pod) max without (instance) (b_total offset 5m) > 0.5 and c
                """)).containsExactlyInAnyOrder("a_seconds_bucket", "b_total", "c");
        assertThat(Monitoring.metricNames("rate(x{a=\"(\"}[5m]) * 1e3 > bool 0.5 unless y # z")).containsExactlyInAnyOrder("x", "y");
    }
}
