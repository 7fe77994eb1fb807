package io.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The run's figures for people: an SVG percentile plot and a result file under docs/benchmarks/, one per run, which
 * docs/benchmarks.md's table of the latest results points to.
 */
final class Report {
    /** Where the result files go, from the repository's root. */
    static final String RESULT_FILES = "docs/benchmarks";
    /** A run's date: when it started, to the minute, in UTC. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm");

    private Report() {
    }

    /** Latency by percentile (HdrHistogram's usual plot: the tail spread out on a log axis), one line per series. */
    static String svg(String title, Map<String, Histogram> series) {
        int w = 1200;
        int h = 500;
        int left = 70;
        int right = 450; // the legend: "ours, Twilio 200 ms: claim → connected, every screen (n=…)"
        int top = 40;
        int bottom = 60;
        double maxX = 4; // 99.99 %
        double maxY = 1;
        for (Histogram hist : series.values()) {
            if (hist.getTotalCount() > 0) {
                maxY = Math.max(maxY, hist.getValueAtPercentile(99.99) / 1000.0);
            }
        }
        maxY = niceCeiling(maxY);
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", left, esc(title)));
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%"};
        for (int i = 0; i <= 4; i++) {
            double x = left + plotW * i / maxX;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, top, x, h - bottom));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
                    h - bottom + 18, xLabels[i]));
        }
        for (int i = 0; i <= 5; i++) {
            double y = top + plotH - plotH * i / 5;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    left, y, left + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 6,
                    y + 4, trim(maxY * i / 5)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                left + plotW / 2, h - 15));
        s.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" "
                + "text-anchor=\"middle\">latency (ms)</text>%n", top + plotH / 2, top + plotH / 2));
        // Two Twilio latencies × five series, and Nchan's: no colour twice.
        String[] colours = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf", "#000000"};
        int c = 0;
        for (var entry : series.entrySet()) {
            Histogram hist = entry.getValue();
            String colour = colours[c % colours.length];
            if (hist.getTotalCount() > 0) {
                List<String> points = new ArrayList<>();
                for (int i = 0; i <= 200; i++) {
                    double xv = maxX * i / 200;
                    double percentile = 100 * (1 - Math.pow(10, -xv));
                    double ms = Math.min(maxY, hist.getValueAtPercentile(percentile) / 1000.0);
                    points.add(String.format(Locale.ROOT, "%.1f,%.1f", left + plotW * xv / maxX,
                            top + plotH - plotH * ms / maxY));
                }
                s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        + "points=\"%s\"/>%n", colour, String.join(" ", points)));
            }
            double ly = top + 10 + c * 20;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>%n", left + plotW + 10, ly, left + plotW + 30, ly, colour));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + plotW + 36, ly + 4,
                    esc(entry.getKey() + " (n=" + hist.getTotalCount() + ")")));
            c++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (v <= step * magnitude) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A run's result file: what ran where, the figures at each Twilio latency, the targets. */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result, String jsonName) {
        Map<String, Object> run = (Map<String, Object>) result.get("run");
        List<Map<String, Object>> phases = (List<Map<String, Object>>) result.get("by_twilio_latency");
        StringBuilder md = heading(result, run.get("agents") + " agents, " + run.get("tenants") + " tenant(s), "
                + run.get("rate") + " calls/s, Twilio " + join(run.get("twilio_latencies_ms")) + " ms", jsonName);
        md.append("| measure | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> phase : phases) {
            Map<String, Object> calls = (Map<String, Object>) phase.get("calls");
            String at = ", Twilio " + phase.get("twilio_latency_ms") + " ms";
            row(md, "end to end: webhook sent → RINGING frame, every agent" + at, calls.get("end_to_end_every_agent"));
            row(md, "end to end: … → the call's last agent" + at, calls.get("end_to_end_last_agent_of_call"));
            row(md, "claim round trip (claim → ack)" + at, calls.get("claim_round_trip"));
            row(md, "claim → connected (the claimer's screen)" + at, calls.get("claim_to_connected"));
            row(md, "claim → connected (every screen)" + at, calls.get("claim_to_connected_every_screen"));
            row(md, "park / retrieve / hangup round trip" + at, calls.get("other_commands_round_trip"));
            row(md, "webhook response (simulator → call-ingest)" + at, calls.get("webhook_response"));
        }
        Map<String, Object> nchan = (Map<String, Object>) result.get("nchan");
        if (nchan != null && nchan.get("publish_to_every_subscriber") != null) {
            row(md, "Nchan: publish → every subscriber (no Twilio)", nchan.get("publish_to_every_subscriber"));
            row(md, "Nchan: publish → last subscriber (no Twilio)", nchan.get("publish_to_last_subscriber"));
        }
        Map<String, Object> webhooks = (Map<String, Object>) result.get("webhook_throughput");
        if (webhooks != null && webhooks.get("response") != null) {
            row(md, "webhook blast response (" + webhooks.get("concurrency") + " in flight; no Twilio REST)",
                    webhooks.get("response"));
        }
        for (Map<String, Object> phase : phases) {
            Map<String, Object> calls = (Map<String, Object>) phase.get("calls");
            md.append("\n**Twilio ").append(phase.get("twilio_latency_ms")).append(" ms.** Throughput: ")
                    .append(calls.get("calls_per_second")).append(" calls/s, ")
                    .append(calls.get("changes_per_second_per_tenant")).append(" changes/s per tenant, ")
                    .append(calls.get("frames_received_per_second")).append(" frames/s (")
                    .append(calls.get("mbytes_received_per_second")).append(" MB/s) to the agents; ")
                    .append("ring frame ").append(calls.get("ring_frame_bytes")).append(" bytes; gateway CPU per frame ")
                    .append(calls.get("gateway_cpu_us_per_frame")).append(" µs")
                    .append(nchan != null && nchan.get("nginx_cpu_us_per_frame") != null
                            ? " (nginx + Nchan: " + nchan.get("nginx_cpu_us_per_frame") + " µs)" : "")
                    .append(". Errors: ")
                    .append(calls.get("errors")).append(", sockets closed unexpectedly: ")
                    .append(calls.get("sockets_closed_unexpectedly")).append(".\n");
            Map<String, Object> processes = (Map<String, Object>) phase.get("processes_during_calls");
            if (processes != null) {
                md.append("CPU (% of one core) and RSS during the calls: ");
                List<String> parts = new ArrayList<>();
                processes.forEach((name, figures) -> parts.add(name + " " + figures));
                md.append(String.join("; ", parts)).append(".\n");
            }
            if (phase.get("hops_during_calls") != null) {
                md.append("Hops (the services' own timers, mean during the calls): ")
                        .append(phase.get("hops_during_calls")).append(".\n");
            }
        }
        md.append("\n");
        if (webhooks != null && webhooks.get("accepted_per_second") != null) {
            md.append("Webhooks: ").append(webhooks.get("accepted_per_second")).append(" accepted/s (")
                    .append(webhooks.get("accepted")).append(" in ").append(webhooks.get("seconds"))
                    .append(" s; refused ").append(webhooks.get("refused_by_status")).append(", failed ")
                    .append(webhooks.get("failed")).append(").\n");
        }
        Map<String, Object> gateway = (Map<String, Object>) result.get("gateway_heap");
        if (gateway != null) {
            md.append("Gateway heap: ").append(gateway).append(".\n");
        }
        if (nchan != null && nchan.get("processes") != null) {
            md.append("During the Nchan run: ").append(nchan.get("processes")).append(".\n");
        }
        targets(md, (List<Map<String, Object>>) result.get("targets"));
        return md.toString();
    }

    /** A result file of {@code ./bench history}: each search shape over the generated history. */
    @SuppressWarnings("unchecked")
    static String historyMarkdown(Map<String, Object> result, String jsonName) {
        Map<String, Object> run = (Map<String, Object>) result.get("run");
        StringBuilder md = heading(result, "call history: " + run.get("calls") + " calls, " + run.get("requests")
                + " searches of each shape, one at a time", jsonName);
        md.append("History generated (and analyzed) in ").append(result.get("generate_seconds")).append(" s.\n\n");
        md.append("| search | example | p50 ms | p99 ms | max ms | calls a page | empty pages |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> search : (List<Map<String, Object>>) result.get("searches")) {
            md.append("| ").append(search.get("shape")).append(" | `").append(search.get("example")).append("` | ")
                    .append(search.get("p50_ms")).append(" | ").append(search.get("p99_ms")).append(" | ")
                    .append(search.get("max_ms")).append(" | ").append(search.get("calls_per_page")).append(" | ")
                    .append(search.get("empty_pages")).append(" |\n");
        }
        targets(md, (List<Map<String, Object>>) result.get("targets"));
        return md.toString();
    }

    /** A result file of {@code ./bench claims}: each storm, the steady claims, the second tenant. */
    @SuppressWarnings("unchecked")
    static String claimsMarkdown(Map<String, Object> result, String jsonName) {
        Map<String, Object> run = (Map<String, Object>) result.get("run");
        List<Map<String, Object>> phases = (List<Map<String, Object>>) result.get("by_twilio_latency");
        StringBuilder md = heading(result, "claims: " + run.get("claimers") + " agents storming, steady "
                + run.get("claim_rate") + " calls/s, second tenant " + run.get("ring_rate") + " calls/s to "
                + run.get("ring_agents") + " agents, Twilio " + join(run.get("twilio_latencies_ms")) + " ms", jsonName);
        md.append("| Twilio | storm | acks | p50 ms | p99 ms | max ms | errors |\n|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> phase : phases) {
            for (Map<String, Object> storm : (List<Map<String, Object>>) phase.get("storms")) {
                md.append("| ").append(phase.get("twilio_latency_ms")).append(" ms | ").append(storm.get("storm"))
                        .append(" | ").append(storm.get("count")).append(" | ").append(storm.get("p50_ms"))
                        .append(" | ").append(storm.get("p99_ms")).append(" | ").append(storm.get("max_ms"))
                        .append(" | ").append(storm.get("errors")).append(" |\n");
            }
        }
        md.append("\n| measure | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> phase : phases) {
            String at = ", Twilio " + phase.get("twilio_latency_ms") + " ms";
            Map<String, Object> steady = (Map<String, Object>) phase.get("steady_claims");
            Map<String, Object> second = (Map<String, Object>) phase.get("second_tenant");
            Map<String, Object> alone = (Map<String, Object>) second.get("alone");
            Map<String, Object> during = (Map<String, Object>) second.get("during_storms");
            row(md, "every storm: claim → ack" + at, phase.get("every_storm_claim_to_ack"));
            row(md, "steady claims (" + steady.get("calls_per_second") + " calls/s): claim → ack" + at,
                    steady.get("claim_round_trip"));
            row(md, "second tenant alone: webhook → RINGING, every agent" + at, alone.get("end_to_end_every_agent"));
            row(md, "second tenant during " + second.get("storms_during") + " storms: webhook → RINGING, every agent"
                    + at, during.get("end_to_end_every_agent"));
            row(md, "second tenant alone: claim → ack" + at, alone.get("claim_round_trip"));
            row(md, "second tenant during the storms: claim → ack" + at, during.get("claim_round_trip"));
            row(md, "… those storms: claim → ack" + at, second.get("storms_claim_to_ack"));
        }
        md.append("\n");
        for (Map<String, Object> phase : phases) {
            Map<String, Object> steady = (Map<String, Object>) phase.get("steady_claims");
            Map<String, Object> second = (Map<String, Object>) phase.get("second_tenant");
            md.append("**Twilio ").append(phase.get("twilio_latency_ms")).append(" ms.** Second tenant's ring p99 ")
                    .append(ClaimScenario.p99OfSecond(second, "alone")).append(" ms alone, ")
                    .append(ClaimScenario.p99OfSecond(second, "during_storms")).append(" ms during the storms (")
                    .append(second.get("ring_p99_change_percent")).append(" %). Errors: steady claims ")
                    .append(steady.get("errors")).append(", second tenant alone ")
                    .append(((Map<String, Object>) second.get("alone")).get("errors")).append(", during the storms ")
                    .append(((Map<String, Object>) second.get("during_storms")).get("errors")).append(".\n");
        }
        targets(md, (List<Map<String, Object>>) result.get("targets"));
        return md.toString();
    }

    /** The result file's title and where it ran: machine, command, commit, JSON and plot. */
    @SuppressWarnings("unchecked")
    static StringBuilder heading(Map<String, Object> result, String title, String jsonName) {
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        Map<String, Object> run = (Map<String, Object>) result.get("run");
        StringBuilder md = new StringBuilder();
        md.append("# ").append(result.get("date")).append(" — ").append(title).append("\n\n");
        md.append("- machine: ").append(machine.get("cpus")).append(" cores (").append(machine.get("cpu_model"))
                .append("), ").append(machine.get("memory_gib")).append(" GiB, ").append(machine.get("os"))
                .append(", JDK ").append(machine.get("java")).append("; load average at start ")
                .append(machine.get("load_average_at_start")).append("\n");
        md.append("- command: `").append(run.get("command")).append("`\n");
        md.append("- commit: ").append(result.get("commit")).append("\n");
        md.append("- results: `benchmark/target/results/").append(jsonName).append("`, plot `")
                .append(jsonName.replace(".json", ".svg")).append("`\n\n");
        return md;
    }

    static void targets(StringBuilder md, List<Map<String, Object>> targets) {
        md.append("\n| target | measured | verdict |\n|---|---|---|\n");
        for (Map<String, Object> t : targets) {
            md.append("| ").append(t.get("target")).append(" | ").append(t.get("measured")).append(" | ")
                    .append(t.get("verdict")).append(" |\n");
        }
    }

    /** {@code [0, 200]} → {@code 0 and 200}. */
    static String join(Object values) {
        List<String> all = ((List<?>) values).stream().map(String::valueOf).toList();
        return all.size() == 1 ? all.get(0)
                : String.join(", ", all.subList(0, all.size() - 1)) + " and " + all.get(all.size() - 1);
    }

    @SuppressWarnings("unchecked")
    static void row(StringBuilder md, String name, Object summary) {
        if (!(summary instanceof Map<?, ?>)) {
            return;
        }
        Map<String, Object> s = (Map<String, Object>) summary;
        md.append("| ").append(name).append(" | ").append(s.get("count")).append(" | ").append(s.get("p50_ms"))
                .append(" | ").append(s.get("p95_ms")).append(" | ").append(s.get("p99_ms")).append(" | ")
                .append(s.get("max_ms")).append(" |\n");
    }

    /**
     * Writes {@code <dir>/<date>-<what>.md}, the date being the run's start to the minute ({@code
     * yyyy-MM-dd-HHmm-10000-agents.md}). A file of that name is never overwritten: that is another run's.
     */
    static Path writeResultFile(Path dir, Map<String, Object> result, String what, String section) throws IOException {
        String date = LocalDateTime.parse(String.valueOf(result.get("date")), DATE).format(FILE_DATE);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(date + "-" + what + ".md"), section, StandardOpenOption.CREATE_NEW);
    }

    static Map<String, Object> target(String target, String measured, Boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", target);
        t.put("measured", measured);
        t.put("verdict", met == null ? "not measured by this run" : met ? "met" : "**missed**");
        return t;
    }
}
