package io.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The run's figures for people: an SVG percentile plot and a section of docs/benchmarks.md. */
final class Report {
    private Report() {
    }

    /** Latency by percentile (HdrHistogram's usual plot: the tail spread out on a log axis), one line per series. */
    static String svg(String title, Map<String, Histogram> series) {
        int w = 900;
        int h = 500;
        int left = 70;
        int right = 220;
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
        String[] colours = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
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

    /** A section for docs/benchmarks.md: what ran where, the figures, the targets. */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result, String jsonName, String svgName) {
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        Map<String, Object> run = (Map<String, Object>) result.get("run");
        Map<String, Object> calls = (Map<String, Object>) result.get("calls");
        StringBuilder md = new StringBuilder();
        md.append("\n### ").append(result.get("date")).append(" — ").append(run.get("agents")).append(" agents, ")
                .append(run.get("tenants")).append(" tenant(s), ").append(run.get("rate")).append(" calls/s\n\n");
        md.append("- machine: ").append(machine.get("cpus")).append(" cores (").append(machine.get("cpu_model"))
                .append("), ").append(machine.get("memory_gib")).append(" GiB, ").append(machine.get("os"))
                .append(", JDK ").append(machine.get("java")).append("; load average at start ")
                .append(machine.get("load_average_at_start")).append("\n");
        md.append("- command: `").append(run.get("command")).append("`\n");
        md.append("- results: `benchmark/target/results/").append(jsonName).append("`, plot `").append(svgName)
                .append("`\n\n");
        md.append("| measure | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        if (calls != null) {
            row(md, "end to end: webhook sent → RINGING frame, every agent", calls.get("end_to_end_every_agent"));
            row(md, "end to end: … → the call's last agent", calls.get("end_to_end_last_agent_of_call"));
            row(md, "claim round trip (claim → ack)", calls.get("claim_round_trip"));
            row(md, "park / retrieve / hangup round trip", calls.get("other_commands_round_trip"));
            row(md, "webhook response (simulator → call-ingest)", calls.get("webhook_response"));
        }
        Map<String, Object> nchan = (Map<String, Object>) result.get("nchan");
        if (nchan != null && nchan.get("publish_to_every_subscriber") != null) {
            row(md, "Nchan: publish → every subscriber", nchan.get("publish_to_every_subscriber"));
            row(md, "Nchan: publish → last subscriber", nchan.get("publish_to_last_subscriber"));
        }
        Map<String, Object> webhooks = (Map<String, Object>) result.get("webhook_throughput");
        if (webhooks != null && webhooks.get("response") != null) {
            row(md, "webhook blast response (" + webhooks.get("concurrency") + " in flight)", webhooks.get("response"));
        }
        md.append("\n");
        if (calls != null) {
            md.append("Throughput: ").append(calls.get("calls_per_second")).append(" calls/s, ")
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
        }
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
        Map<String, Object> processes = (Map<String, Object>) result.get("processes_during_calls");
        if (processes != null) {
            md.append("\nCPU (% of one core) and RSS during the calls: ");
            List<String> parts = new ArrayList<>();
            processes.forEach((name, figures) -> parts.add(name + " " + figures));
            md.append(String.join("; ", parts)).append(".\n");
        }
        Map<String, Object> hops = (Map<String, Object>) result.get("hops_during_calls");
        if (hops != null) {
            md.append("Hops (the services' own timers, mean during the calls): ").append(hops).append(".\n");
        }
        if (nchan != null && nchan.get("processes") != null) {
            md.append("During the Nchan run: ").append(nchan.get("processes")).append(".\n");
        }
        List<Map<String, Object>> targets = (List<Map<String, Object>>) result.get("targets");
        md.append("\n| target | measured | verdict |\n|---|---|---|\n");
        for (Map<String, Object> t : targets) {
            md.append("| ").append(t.get("target")).append(" | ").append(t.get("measured")).append(" | ")
                    .append(t.get("verdict")).append(" |\n");
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void row(StringBuilder md, String name, Object summary) {
        if (!(summary instanceof Map<?, ?>)) {
            return;
        }
        Map<String, Object> s = (Map<String, Object>) summary;
        md.append("| ").append(name).append(" | ").append(s.get("count")).append(" | ").append(s.get("p50_ms"))
                .append(" | ").append(s.get("p95_ms")).append(" | ").append(s.get("p99_ms")).append(" | ")
                .append(s.get("max_ms")).append(" |\n");
    }

    static void append(Path docs, String section) throws IOException {
        if (!Files.exists(docs)) {
            Files.writeString(docs, "# Benchmarks\n");
        }
        Files.writeString(docs, section, StandardOpenOption.APPEND);
    }

    static Map<String, Object> target(String target, String measured, Boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", target);
        t.put("measured", measured);
        t.put("verdict", met == null ? "not measured by this run" : met ? "met" : "**missed**");
        return t;
    }
}
