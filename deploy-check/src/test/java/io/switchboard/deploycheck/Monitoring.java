package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.deploycheck.Pods.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring objects agree with what they watch: the scrape configs select the services' Services (or the
 * operators' pods) and their ports; every alert and dashboard query is well formed and reads only metrics the services'
 * code defines ({@link MetricNames}) or the platform provides; every alert says how severe it is and links to a
 * section of the runbook that exists; the dashboard is JSON Grafana can load, with a data source variable.
 */
final class Monitoring {
    static final Set<String> SEVERITIES = Set.of("page", "ticket");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
    private static final Pattern LABEL_VALUES = Pattern.compile("(?s)^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();
    // What metricNames strips before it looks for names (see there).
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern COMMENTS = Pattern.compile("#[^\n]*");
    private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NAME = Pattern.compile("(?<![\\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\\w:])(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "start",
            "end", "by", "without", "on", "ignoring", "group_left", "group_right");
    /** Grafana's interval variables, which only Grafana can fill in; any duration makes the query parse the same. */
    private static final Pattern GRAFANA_INTERVALS = Pattern.compile("\\$__(rate_interval|interval|range)\\b");

    private final Rendered rendered;
    private final Set<String> knownMetrics;
    private final Function<String, Set<String>> anchorsOf;
    private final List<String> problems;
    /** Every dashboard query seen, with where it is, for one promtool run over all of them. */
    private final Map<String, String> dashboardQueries = new java.util.LinkedHashMap<>();

    private Monitoring(Rendered rendered, Set<String> knownMetrics, Function<String, Set<String>> anchorsOf,
            List<String> problems) {
        this.rendered = rendered;
        this.knownMetrics = knownMetrics;
        this.anchorsOf = anchorsOf;
        this.problems = problems;
    }

    /** Checks with the services' metrics and the repository's documents. */
    static void check(Rendered rendered, List<String> problems) {
        check(rendered, MetricNames.ofServices(), problems);
    }

    /** Checks with the given meters of the services (a test passes the code's meters after a rename). */
    static void check(Rendered rendered, MetricNames.Result code, List<String> problems) {
        code.problems().forEach(p -> problems.add("MetricNames: " + p));
        Set<String> known = new TreeSet<>(code.names());
        known.addAll(MetricNames.PLATFORM.keySet());
        new Monitoring(rendered, known, Monitoring::anchorsInRepository, problems).run();
    }

    private void run() {
        if (rendered.objects().stream().noneMatch(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com/"))) {
            return; // an overlay without monitoring (the plain ones): nothing scrapes, nothing to agree with
        }
        serviceMonitors();
        podMonitors();
        rules();
        dashboards();
    }

    private void problem(JsonNode object, String message) {
        problems.add(Rendered.id(object) + ": " + message);
    }

    // ---- scraping --------------------------------------------------------------------------------------------

    private void serviceMonitors() {
        Set<String> scraped = new HashSet<>();
        rendered.ofKind("ServiceMonitor").forEach(sm -> {
            JsonNode selector = sm.path("spec").path("selector");
            if (selector.isEmpty()) {
                problem(sm, "has an empty selector: it would scrape every Service of the namespace, Strimzi's too");
            }
            List<JsonNode> services = rendered.ofKind("Service")
                    .filter(s -> Pods.selects(selector, Pods.labels(s.path("metadata").path("labels"))))
                    .map(s -> (JsonNode) s).toList();
            if (services.isEmpty()) {
                problem(sm, "selector " + selector + " selects no Service of this overlay");
            }
            twice(sm, services);
            for (JsonNode endpoint : sm.path("spec").path("endpoints")) {
                String port = endpoint.path("port").asText();
                for (JsonNode s : services) {
                    boolean found = false;
                    for (JsonNode p : s.path("spec").path("ports")) {
                        found |= port.equals(p.path("name").asText());
                    }
                    if (!found) {
                        problem(sm, "endpoint port '" + port + "' is not a port name of " + Rendered.id(s));
                    } else if ("/q/metrics".equals(endpoint.path("path").asText())) {
                        scraped.add(Rendered.name(s));
                    }
                }
                intervals(sm, endpoint);
            }
        });
        for (String service : Project.SERVICES) {
            if (!scraped.contains(service)) {
                problems.add("ServiceMonitor: no ServiceMonitor scrapes Service " + service + " on /q/metrics");
            }
        }
    }

    /** Two selected Services in front of the same pods would have every series of those pods scraped twice. */
    private void twice(JsonNode sm, List<JsonNode> services) {
        List<Pod> pods = Pods.of(rendered);
        for (int i = 0; i < services.size(); i++) {
            for (int j = i + 1; j < services.size(); j++) {
                JsonNode a = services.get(i).path("spec").path("selector");
                JsonNode b = services.get(j).path("spec").path("selector");
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                for (Pod p : pods) {
                    if (Pods.selectsByMap(a, p.labels()) && Pods.selectsByMap(b, p.labels())) {
                        problem(sm, "selects " + Rendered.id(services.get(i)) + " and " + Rendered.id(services.get(j))
                                + ", which both select the pods of " + p.owner() + ": each would be scraped twice");
                    }
                }
            }
        }
    }

    private void podMonitors() {
        List<Pod> pods = Pods.of(rendered);
        rendered.ofKind("PodMonitor").forEach(pm -> {
            JsonNode selector = pm.path("spec").path("selector");
            List<Pod> selected = selector.isEmpty() ? List.of()
                    : pods.stream().filter(p -> Pods.selects(selector, p.labels())).toList();
            if (selected.isEmpty()) {
                problem(pm, "selector " + selector + " selects no pod of this overlay");
            }
            for (JsonNode endpoint : pm.path("spec").path("podMetricsEndpoints")) {
                String port = endpoint.path("port").asText();
                for (Pod p : selected) {
                    if (!p.portNames().contains(port)) {
                        problem(pm, "endpoint port '" + port + "' is not a port name of " + p.owner() + " " + p.portNames());
                    }
                }
                intervals(pm, endpoint);
            }
        });
    }

    private void intervals(JsonNode monitor, JsonNode endpoint) {
        for (String field : List.of("interval", "scrapeTimeout")) {
            if (endpoint.has(field) && !DURATION.matcher(endpoint.path(field).asText()).matches()) {
                problem(monitor, field + " '" + endpoint.path(field).asText() + "' is not a Prometheus duration");
            }
        }
    }

    // ---- alerts ----------------------------------------------------------------------------------------------

    private void rules() {
        Set<String> alerts = new HashSet<>();
        rendered.ofKind("PrometheusRule").forEach(pr -> {
            for (JsonNode group : pr.path("spec").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                    String where = "rule " + (name.isEmpty() ? "(unnamed)" : name);
                    if (name.isEmpty()) {
                        problem(pr, where + " in group " + group.path("name").asText() + " has neither alert nor record");
                    }
                    query(pr, where, rule.path("expr").isValueNode() ? rule.path("expr").asText() : null);
                    if (!rule.has("alert")) {
                        continue;
                    }
                    if (!alerts.add(name)) {
                        problem(pr, where + ": alert name used twice");
                    }
                    if (rule.has("for") && !DURATION.matcher(rule.path("for").asText()).matches()) {
                        problem(pr, where + ": for '" + rule.path("for").asText() + "' is not a Prometheus duration");
                    }
                    String severity = rule.path("labels").path("severity").asText();
                    if (!SEVERITIES.contains(severity)) {
                        problem(pr, where + ": label severity must be one of " + new TreeSet<>(SEVERITIES) + ", is '" + severity + "'");
                    }
                    for (String annotation : List.of("summary", "description", "runbook")) {
                        if (rule.path("annotations").path(annotation).asText().isBlank()) {
                            problem(pr, where + ": no " + annotation + " annotation");
                        }
                    }
                    runbook(pr, where, rule.path("annotations").path("runbook").asText());
                }
            }
            // Prometheus' own parser and checks: the query language, durations, label and annotation templates.
            String promtool = Promtool.checkRules(pr.path("spec").path("groups"));
            if (!promtool.isEmpty()) {
                problem(pr, "promtool check rules: " + promtool);
            }
        });
    }

    /** A runbook is a repository path and a heading's anchor in it: docs/operations.md#webhooks-failing. */
    private void runbook(JsonNode pr, String where, String runbook) {
        if (runbook.isBlank()) {
            return;
        }
        int hash = runbook.indexOf('#');
        if (runbook.contains("://") || runbook.startsWith("/") || hash < 1) {
            problem(pr, where + ": runbook '" + runbook + "' must be a repository path with an anchor (docs/operations.md#…)");
            return;
        }
        Set<String> anchors = anchorsOf.apply(runbook.substring(0, hash));
        if (anchors == null) {
            problem(pr, where + ": runbook '" + runbook + "' names a file that does not exist");
        } else if (!anchors.contains(runbook.substring(hash + 1))) {
            problem(pr, where + ": runbook '" + runbook + "' names no heading of " + runbook.substring(0, hash));
        }
    }

    private void query(JsonNode object, String where, String query) {
        if (query == null || query.isBlank()) {
            problem(object, where + ": empty query");
            return;
        }
        Set<String> unknown = new TreeSet<>(metricNames(query));
        unknown.removeAll(knownMetrics);
        if (!unknown.isEmpty()) {
            problem(object, where + ": reads " + unknown + ", which no service defines (deploy-check's MetricNames"
                    + " reads their meters) and the platform does not provide (MetricNames.PLATFORM)");
        }
        if (metricNames(query).isEmpty()) {
            problem(object, where + ": expr reads no metric");
        }
    }

    /**
     * The metric names a query reads. promtool checks that a query parses (rules() and dashboards() run it) but does
     * not list what a query reads, and a full PromQL parser is more than this check needs: with strings, comments,
     * label matchers, ranges and the label lists of by/without/on/ignoring/group_left/group_right taken out, every
     * name left that is not a function or aggregation (followed by "(") and not a keyword is a metric.
     */
    static Set<String> metricNames(String query) {
        String q = STRINGS.matcher(query).replaceAll("\"\"");
        q = COMMENTS.matcher(q).replaceAll(" ");
        q = MATCHERS_AND_RANGES.matcher(q).replaceAll(" ");
        q = LABEL_LISTS.matcher(q).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(q);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    // ---- dashboards ------------------------------------------------------------------------------------------

    private void dashboards() {
        List<ObjectNode> configMaps = rendered.ofKind("ConfigMap")
                .filter(cm -> "1".equals(cm.path("metadata").path("labels").path("grafana_dashboard").asText())).toList();
        if (rendered.ofKind("PrometheusRule").findAny().isPresent() && configMaps.isEmpty()) {
            problems.add("ConfigMap: no Grafana dashboard (a ConfigMap labelled grafana_dashboard: \"1\")");
        }
        Set<String> uids = new HashSet<>();
        for (ObjectNode cm : configMaps) {
            cm.path("data").fields().forEachRemaining(file -> {
                String where = "dashboard " + file.getKey();
                JsonNode dashboard;
                try {
                    dashboard = JSON.readTree(file.getValue().asText());
                } catch (IOException e) {
                    problem(cm, where + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
                    return;
                }
                if (!file.getKey().endsWith(".json") || !dashboard.isObject()) {
                    problem(cm, where + ": a dashboard is a .json file holding one object");
                    return;
                }
                dashboard(cm, where, dashboard, uids);
            });
            parseDashboardQueries(cm);
        }
    }

    /** Every query of the dashboard through promtool, as recording rules (dashboard_query_N) of one group. */
    private void parseDashboardQueries(JsonNode cm) {
        List<String> wheres = new ArrayList<>(dashboardQueries.keySet());
        var rules = Rendered.YAML.createArrayNode();
        for (int i = 0; i < wheres.size(); i++) {
            String expr = GRAFANA_INTERVALS.matcher(dashboardQueries.get(wheres.get(i))).replaceAll("5m");
            rules.addObject().put("record", "dashboard_query_" + i).put("expr", expr);
        }
        var groups = Rendered.YAML.createArrayNode();
        groups.addObject().put("name", "dashboard").set("rules", rules);
        String promtool = Promtool.checkRules(groups);
        if (!promtool.isEmpty()) {
            for (int i = wheres.size() - 1; i >= 0; i--) {
                promtool = promtool.replace("\"dashboard_query_" + i + "\"", wheres.get(i));
            }
            problem(cm, "promtool check rules on the dashboard's queries: " + promtool);
        }
        dashboardQueries.clear();
    }

    private void dashboard(JsonNode cm, String where, JsonNode dashboard, Set<String> uids) {
        for (String field : List.of("title", "uid")) {
            if (dashboard.path(field).asText().isBlank()) {
                problem(cm, where + ": no " + field);
            }
        }
        if (!uids.add(dashboard.path("uid").asText())) {
            problem(cm, where + ": uid " + dashboard.path("uid").asText() + " used by two dashboards");
        }
        if (!dashboard.path("schemaVersion").isInt()) {
            problem(cm, where + ": no schemaVersion");
        }
        Map<String, JsonNode> variables = new HashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        JsonNode datasource = variables.get("datasource");
        if (datasource == null || !"datasource".equals(datasource.path("type").asText())
                || !"prometheus".equals(datasource.path("query").asText())) {
            problem(cm, where + ": needs a template variable 'datasource' of type datasource for prometheus");
        }
        for (JsonNode v : variables.values()) {
            if ("query".equals(v.path("type").asText())) {
                String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
                Matcher labelValues = LABEL_VALUES.matcher(q);
                query(cm, where + " variable " + v.path("name").asText(), labelValues.matches() ? labelValues.group(1) : q);
                dashboardQueries.put(where + " variable " + v.path("name").asText(), labelValues.matches() ? labelValues.group(1) : q);
                usesDatasourceVariable(cm, where + " variable " + v.path("name").asText(), v.path("datasource"));
            }
        }
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add); // a collapsed row holds its panels
        });
        int queries = 0;
        for (JsonNode panel : panels) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            String title = where + " panel '" + panel.path("title").asText() + "'";
            if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
                problem(cm, title + ": no targets");
            }
            usesDatasourceVariable(cm, title, panel.path("datasource"));
            for (JsonNode target : panel.path("targets")) {
                queries++;
                query(cm, title + " target " + target.path("refId").asText(), target.path("expr").asText());
                dashboardQueries.put(title + " target " + target.path("refId").asText(), target.path("expr").asText());
                if (target.has("datasource")) {
                    usesDatasourceVariable(cm, title + " target " + target.path("refId").asText(), target.path("datasource"));
                }
            }
        }
        if (queries == 0) {
            problem(cm, where + ": no panel queries anything");
        }
    }

    /** Panels must follow the variable, or the dashboard only works with the data source it was made on. */
    private void usesDatasourceVariable(JsonNode cm, String where, JsonNode datasource) {
        String uid = datasource.isObject() ? datasource.path("uid").asText() : datasource.asText();
        if (!uid.equals("${datasource}") && !uid.equals("$datasource")) {
            problem(cm, where + ": data source must be the variable ${datasource}, is " + datasource);
        }
    }

    // ---- the repository's Markdown headings ------------------------------------------------------------------

    private static final Map<String, Set<String>> ANCHORS = new java.util.concurrent.ConcurrentHashMap<>();

    /** @return the anchors of a Markdown file of the repository, or null when there is no such file */
    static Set<String> anchorsInRepository(String relativePath) {
        Path file = Project.ROOT.resolve(relativePath).normalize();
        if (!file.startsWith(Project.ROOT) || !Files.isRegularFile(file)) {
            return null;
        }
        return ANCHORS.computeIfAbsent(relativePath, p -> anchors(Project.read(file)));
    }

    /** The anchors GitHub gives a Markdown document's headings (lower case, punctuation dropped, spaces → '-'). */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            Matcher heading = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$").matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String text = heading.group(1).replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
            String slug = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\- _]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }
}
