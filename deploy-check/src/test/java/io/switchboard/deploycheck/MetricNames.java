package io.switchboard.deploycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series names the services export, read from their Java sources: every Micrometer meter they register,
 * named the way Micrometer's Prometheus registry names it. Alerts and dashboards may use only these (and the platform's
 * metrics in {@link #PLATFORM}), so renaming a meter in the code fails the build until the queries follow.
 *
 * <p>Naming (Micrometer's PrometheusNamingConvention): dots become underscores; a counter gets {@code _total}; a timer
 * is in seconds and exports {@code _seconds_count}, {@code _seconds_sum} and {@code _seconds_max}, plus
 * {@code _seconds_bucket} when it publishes a histogram ({@code publishPercentileHistogram()}) and {@code _seconds}
 * (with a {@code quantile} label) when it publishes client-side percentiles ({@code publishPercentiles(…)}); a gauge is
 * its name, with {@code _<baseUnit>} appended when it has one.
 *
 * <p>A registration this reader does not understand (a name it cannot resolve, a meter kind it does not know) is a
 * problem, not a silent gap: extend this class rather than let a meter go unchecked.
 */
final class MetricNames {
    /**
     * Metrics the platform provides, not the services' code; each is used by an alert or the dashboard. Add a name
     * only with who exports it.
     */
    static final Map<String, String> PLATFORM = Map.ofEntries(
            // Prometheus itself, per scrape target.
            Map.entry("up", "Prometheus"),
            // Quarkus' HTTP server timer (quarkus-micrometer): uri, method, status, outcome labels; no histogram.
            // Seen on call-ingest's /q/metrics.
            Map.entry("http_server_requests_seconds_count", "Quarkus HTTP server"),
            Map.entry("http_server_requests_seconds_sum", "Quarkus HTTP server"),
            Map.entry("http_server_requests_seconds_max", "Quarkus HTTP server"),
            // Strimzi's Kafka Exporter (kafkaExporter in deploy/base/kafka.yaml): lag per group, topic, partition.
            Map.entry("kafka_consumergroup_lag", "Kafka Exporter"),
            // Kafka client metrics that Quarkus binds to Micrometer for every SmallRye Kafka client. The producer's
            // (kafka_producer_*) were seen on call-ingest's /q/metrics; this consumer meter follows the same naming
            // but was not seen on a running gateway (it needs a broker): the dashboard says so.
            Map.entry("kafka_consumer_fetch_manager_records_lag_max", "Kafka client (Quarkus Micrometer binder)"),
            // kube-state-metrics (installed with kube-prometheus-stack): Deployments, and call-ingest's StatefulSet.
            Map.entry("kube_deployment_status_replicas_available", "kube-state-metrics"),
            Map.entry("kube_deployment_spec_replicas", "kube-state-metrics"),
            Map.entry("kube_statefulset_status_replicas_ready", "kube-state-metrics"),
            Map.entry("kube_statefulset_replicas", "kube-state-metrics"));

    /** Where a meter is registered: the kind (builder class or registry method), then the name argument. */
    private static final Pattern REGISTRATION = Pattern.compile(
            "\\b(Timer|Counter|Gauge|DistributionSummary|FunctionCounter|TimeGauge|LongTaskTimer|FunctionTimer)\\.builder\\(\\s*([^,)]+)"
                    + "|\\.(counter|timer|gauge|summary)\\(\\s*([^,)]+)");
    private static final Pattern ANNOTATION = Pattern.compile("@(?:[\\w.]+\\.)?(Timed|Counted)\\b");
    private static final Pattern CONSTANT = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*;");
    private static final Pattern CLASS_NAME = Pattern.compile("(?:class|interface|enum|record)\\s+(\\w+)");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"\\s*\\)");

    /** A Java source file: its path (for messages) and text. */
    record Source(String path, String text) {
    }

    /** What was read: the series names, and the registrations that could not be read. */
    record Result(Set<String> names, List<String> problems) {
    }

    private MetricNames() {
    }

    /** The series names of every service's src/main/java, read once per test run. */
    static Result ofServices() {
        return Holder.SERVICES;
    }

    private static final class Holder {
        static final Result SERVICES = of(servicesSources());
    }

    /** Every Java file of the services' src/main/java. */
    static List<Source> servicesSources() {
        return sources(Project.SERVICES.stream().map(s -> Project.ROOT.resolve(s + "/src/main/java")).toList());
    }

    static List<Source> sources(List<Path> sourceRoots) {
        List<Source> sources = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted()
                        .forEach(f -> sources.add(new Source(Project.ROOT.relativize(f).toString(), Project.read(f))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    static Result of(List<Source> sources) {
        // String constants, by simple name within a file and by Class.NAME everywhere.
        Map<String, String> qualified = new HashMap<>();
        Map<Source, Map<String, String>> local = new HashMap<>();
        for (Source source : sources) {
            Map<String, String> constants = new HashMap<>();
            Matcher c = CONSTANT.matcher(source.text());
            while (c.find()) {
                constants.put(c.group(1), c.group(2));
            }
            local.put(source, constants);
            Matcher cls = CLASS_NAME.matcher(source.text());
            if (cls.find()) {
                constants.forEach((k, v) -> qualified.put(cls.group(1) + "." + k, v));
            }
        }
        Set<String> names = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Source source : sources) {
            String text = stripComments(source.text());
            if (!text.contains("io.micrometer")) {
                continue;
            }
            Matcher annotation = ANNOTATION.matcher(text);
            if (annotation.find()) {
                problems.add(source.path() + ": @" + annotation.group(1) + " meters are not read by MetricNames; extend it");
            }
            Matcher m = REGISTRATION.matcher(text);
            while (m.find()) {
                String kind = m.group(1) != null ? m.group(1) : m.group(3);
                String argument = (m.group(2) != null ? m.group(2) : m.group(4)).strip();
                String name = resolve(argument, local.get(source), qualified);
                if (name == null) {
                    problems.add(source.path() + ": cannot tell the meter name of " + kind + "(" + argument + ")");
                    continue;
                }
                // The builder's options run to its register(…) call; a registry method has none.
                String options = "";
                if (m.group(1) != null) {
                    int end = text.indexOf(".register(", m.end());
                    options = end < 0 ? "" : text.substring(m.end(), end);
                }
                Matcher unit = BASE_UNIT.matcher(options);
                String baseUnit = unit.find() ? unit.group(1) : null;
                String base = name.replaceAll("[^a-zA-Z0-9_:]", "_");
                switch (kind) {
                    case "Counter", "counter", "FunctionCounter" -> names.add(withUnit(base, baseUnit) + "_total");
                    case "Gauge", "gauge" -> names.add(withUnit(base, baseUnit));
                    case "TimeGauge" -> names.add(withUnit(base, "seconds"));
                    case "Timer", "timer", "FunctionTimer", "DistributionSummary", "summary" -> {
                        boolean timer = !kind.equalsIgnoreCase("DistributionSummary") && !kind.equals("summary");
                        String series = withUnit(base, timer ? "seconds" : baseUnit);
                        names.add(series + "_count");
                        names.add(series + "_sum");
                        names.add(series + "_max");
                        if (options.contains(".publishPercentileHistogram(") || options.contains(".serviceLevelObjectives(")) {
                            names.add(series + "_bucket");
                        }
                        if (options.contains(".publishPercentiles(")) {
                            names.add(series);
                        }
                    }
                    default -> problems.add(source.path() + ": " + kind + " meters are not read by MetricNames; extend it");
                }
            }
        }
        return new Result(names, problems);
    }

    private static String withUnit(String base, String unit) {
        return unit == null || base.endsWith("_" + unit) ? base : base + "_" + unit;
    }

    private static String resolve(String argument, Map<String, String> local, Map<String, String> qualified) {
        if (argument.startsWith("\"") && argument.endsWith("\"") && argument.length() > 1) {
            return argument.substring(1, argument.length() - 1);
        }
        if (local.containsKey(argument)) {
            return local.get(argument);
        }
        return qualified.get(argument);
    }

    private static String stripComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}
