package io.switchboard.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time went, hop by hop, from the services' own timers (their {@code /q/metrics}), read before and after
 * the calls: the mean of each during the calls. Kafka's acknowledgement as call-ingest waits for it; call-state's
 * commit → Kafka's acknowledgement of the change (outbox relay); the relay's send → the gateway queueing the change
 * for every screen.
 */
final class HopMetrics {
    /** hop name → service base URL and the Prometheus timer. */
    private final Map<String, String[]> hops = new LinkedHashMap<>();
    private final Map<String, double[]> before = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HopMetrics(String ingest, String state, String gateway) {
        hops.put("call-ingest: event sent → Kafka ack", new String[] {ingest, "switchboard_ingest_publish_latency_seconds"});
        hops.put("call-state: commit → change acked by Kafka (outbox)",
                new String[] {state, "switchboard_state_outbox_delay_seconds"});
        hops.put("gateway: relay sent the change → queued for every screen",
                new String[] {gateway, "switchboard_gateway_change_delay_seconds"});
    }

    void start() {
        hops.forEach((name, where) -> before.put(name, read(where[0], where[1])));
    }

    /** hop → {count, mean_ms} during the phase. */
    Map<String, Object> stop() {
        Map<String, Object> out = new LinkedHashMap<>();
        hops.forEach((name, where) -> {
            double[] now = read(where[0], where[1]);
            double[] then = before.getOrDefault(name, new double[2]);
            double count = now[0] - then[0];
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("count", (long) count);
            f.put("mean_ms", count <= 0 ? null : Math.round((now[1] - then[1]) / count * 1e5) / 100.0);
            out.put(name, f);
        });
        return out;
    }

    /** {count, sum in seconds} of a timer, over all its tags. */
    private double[] read(String baseUrl, String timer) {
        double[] cs = new double[2];
        try {
            // Prometheus' text format: OpenMetrics (the answer to */*) may end a line with an exemplar when tracing
            // is on, and the last field would be its timestamp.
            String text = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                    .header("Accept", "text/plain").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                if (line.startsWith(timer + "_count")) {
                    cs[0] += value(line);
                } else if (line.startsWith(timer + "_sum")) {
                    cs[1] += value(line);
                }
            }
        } catch (Exception e) {
            // a service that does not answer has no figure
        }
        return cs;
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
