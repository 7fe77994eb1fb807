package io.switchboard.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.stack.Stack;
import io.switchboard.stack.Stack.Service;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * {@code ./bench history}: the call history agents search ({@code GET /api/calls} on the gateway) over one tenant's
 * {@code --calls} ended calls, generated into the stack's PostgreSQL as call-state would have left them (a call every
 * 5 s, 50,000 callers, 20 agents, one in five abandoned, one in ten placed by an agent, one in seven parked once).
 * Each search shape is asked {@code --requests} times over HTTP with an agent's token, one at a time, each with other
 * values (another caller, another agent): what one agent waits for, from the request to the whole page.
 */
final class HistoryScenario {
    private static final System.Logger LOG = System.getLogger(HistoryScenario.class.getName());
    static final double TARGET_MS = 50;
    private static final int WARMUP = 20;
    private static final int CALLERS = 50_000;
    private static final int AGENTS = 20;
    /** The first call starts here; one starts every 5 s after it. */
    private static final String FIRST = "2026-01-01T00:00:00Z";

    private HistoryScenario() {
    }

    @SuppressWarnings("unchecked")
    static Path run(HistoryOptions o) throws Exception {
        Map<String, Object> result = Benchmark.header(o.repoRoot());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", o.command());
        run.put("calls", o.calls());
        run.put("requests", o.requests());
        result.put("run", run);
        CallLoad.Tenant tenant = CallLoad.tenant(1, AGENTS);
        Map<String, Histogram> plot = new LinkedHashMap<>();
        try (Stack stack = Benchmark.startStack(o.repoRoot(), "1g", "512m")) {
            Benchmark.seed(stack, List.of(tenant));
            long started = System.nanoTime();
            generate(stack, tenant, o.calls());
            result.put("generate_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            String token = new Tokens(stack.keys().privateKeyPem()).token(tenant.id, "a1");
            Search search = new Search(stack.baseUrl(Service.PRESENCE_GATEWAY), token);
            String deep = search.cursorAfter(200);
            long hours = o.calls() * 5L / 3600;
            Map<String, IntFunction<String>> shapes = new LinkedHashMap<>();
            shapes.put("newest page", i -> "");
            shapes.put("200 pages deep", i -> "cursor=" + deep);
            shapes.put("by caller's number", i -> "number=" + caller(i * 7919));
            shapes.put("by agent", i -> "agent=a" + (i % AGENTS + 1));
            shapes.put("abandoned", i -> "outcome=abandoned");
            shapes.put("voicemail", i -> "outcome=voicemail");
            shapes.put("one hour", i -> {
                long hour = Math.floorMod((long) i * 37, hours);
                return "since=" + at(hour * 3600) + "&until=" + at((hour + 1) * 3600);
            });
            shapes.put("caller's answered calls", i -> "number=" + caller(i * 104729) + "&outcome=answered");
            List<Map<String, Object>> searches = new ArrayList<>();
            for (Map.Entry<String, IntFunction<String>> shape : shapes.entrySet()) {
                Map<String, Object> figures = search.measure(shape.getValue(), o.requests());
                figures.put("shape", shape.getKey());
                figures.put("example", "/api/calls?" + shape.getValue().apply(1));
                searches.add(figures);
                plot.put(shape.getKey(), search.last.histogram());
                LOG.log(System.Logger.Level.INFO, "{0}: {1}", shape.getKey(), figures);
            }
            result.put("searches", searches);
        }
        double worst = ((List<Map<String, Object>>) result.get("searches")).stream()
                .mapToDouble(s -> (double) s.get("p99_ms")).max().orElseThrow();
        result.put("targets", List.of(Report.target("a search over " + o.calls() + " calls answers in under "
                + (int) TARGET_MS + " ms (p99 of every shape)", "worst p99 " + worst + " ms",
                o.calls() >= 1_000_000 ? worst < TARGET_MS : null)));
        String title = "Call history: " + o.calls() + " calls, " + o.requests() + " searches of each shape — "
                + result.get("date");
        return Benchmark.write(o.resultsDir(), o.docs(), "history-", "history", result, Report.svg(title, plot),
                json -> Report.historyMarkdown(result, json));
    }

    /** The tenant's history and its calls' steps, as call-state writes them; then statistics for the planner. */
    private static void generate(Stack stack, CallLoad.Tenant tenant, int calls) {
        LOG.log(System.Logger.Level.INFO, "Generating {0} ended calls of tenant {1}", calls, tenant.id);
        String caller = "'+1415' || lpad((i % " + CALLERS + ")::text, 7, '0')";
        stack.postgres().execute("""
                INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, agent_id, started_at,
                                          answered_at, ended_at, end_reason, outcome)
                SELECT CASE WHEN i %% 10 = 0 THEN 'OB' ELSE 'CA' END || lpad(to_hex(i), 32, '0'), '%1$s',
                       CASE WHEN i %% 10 = 0 THEN '%2$s' ELSE %3$s END,
                       CASE WHEN i %% 10 = 0 THEN %3$s ELSE '%2$s' END,
                       CASE WHEN s.talked THEN 'a' || (i / 5 %% %4$d + 1) END,
                       s.at, CASE WHEN s.talked THEN s.at + interval '5 seconds' END,
                       s.at + interval '3 minutes', CASE WHEN s.outcome = 'abandoned' THEN 'caller_hangup'
                       ELSE 'completed' END, s.outcome
                FROM generate_series(1, %5$d) AS i,
                     LATERAL (SELECT timestamptz '%6$s' + i * interval '5 seconds' AS at,
                                     CASE WHEN i %% 10 = 0 THEN 'outbound' WHEN i %% 5 = 1 THEN 'abandoned'
                                          WHEN i %% 5 = 3 AND i %% 3 = 0 THEN 'voicemail'
                                          WHEN i %% 5 = 2 AND i %% 7 = 0 THEN 'transferred'
                                          ELSE 'answered' END AS outcome) AS o,
                     LATERAL (SELECT o.at, o.outcome, o.outcome NOT IN ('abandoned', 'voicemail') AS talked) AS s;
                INSERT INTO call_steps (tenant_id, call_sid, step, agent_id, detail, at)
                SELECT '%1$s', h.call_sid, st.step, st.agent, st.detail, h.started_at + st.after
                FROM call_history h, LATERAL (VALUES
                    (1, 'rang', NULL, NULL, interval '0 seconds'),
                    (2, 'claimed', h.agent_id, NULL, interval '3 seconds'),
                    (3, 'answered', h.agent_id, NULL, interval '5 seconds'),
                    (4, 'ended', NULL, h.end_reason, interval '3 minutes')) AS st (n, step, agent, detail, after)
                WHERE h.tenant_id = '%1$s' AND (h.agent_id IS NOT NULL OR st.n IN (1, 4))
                ORDER BY h.call_sid, st.n;
                INSERT INTO call_parks (call_sid, tenant_id, slot, parked_by, parked_at, left_at, outcome,
                                        retrieved_by)
                SELECT 'CA' || lpad(to_hex(i), 32, '0'), '%1$s', 701 + i %% 20, 'a' || (i %% %4$d + 1),
                       timestamptz '%6$s' + i * interval '5 seconds' + interval '30 seconds',
                       timestamptz '%6$s' + i * interval '5 seconds' + interval '60 seconds', 'retrieved',
                       'a' || ((i + 1) %% %4$d + 1)
                FROM generate_series(7, %5$d, 7) AS i WHERE i %% 10 <> 0 AND i %% 5 <> 1;
                ANALYZE call_history;
                ANALYZE call_parks;
                ANALYZE call_steps;
                """.formatted(tenant.id, tenant.number, caller, AGENTS, calls, FIRST));
    }

    /** A caller's number, as a query parameter: {@code +} written {@code %2B}, or it reads as a space. */
    private static String caller(int i) {
        return URLEncoder.encode("+1415" + String.format("%07d", Math.floorMod(i, CALLERS)), StandardCharsets.UTF_8);
    }

    private static String at(long secondsAfterFirst) {
        return java.time.Instant.parse(FIRST).plusSeconds(secondsAfterFirst).toString();
    }

    /** One agent searching: a request at a time, each timed from sending it to the whole page read. */
    private static final class Search {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ObjectMapper json = new ObjectMapper();
        private final String base;
        private final String token;
        private Latency last;

        Search(String base, String token) {
            this.base = base;
            this.token = token;
        }

        /** The cursor after {@code pages} pages of 50 from the newest call. */
        String cursorAfter(int pages) throws Exception {
            String cursor = null;
            for (int page = 0; page < pages; page++) {
                cursor = page(cursor == null ? "" : "cursor=" + cursor).path("next").asText();
            }
            return URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        }

        Map<String, Object> measure(IntFunction<String> query, int requests) throws Exception {
            for (int i = 0; i < WARMUP; i++) {
                page(query.apply(-1 - i));
            }
            last = new Latency();
            long calls = 0;
            long empty = 0;
            for (int i = 0; i < requests; i++) {
                long start = System.nanoTime();
                JsonNode page = page(query.apply(i));
                last.recordNanos(System.nanoTime() - start);
                calls += page.get("calls").size();
                empty += page.get("calls").isEmpty() ? 1 : 0;
            }
            Map<String, Object> figures = new LinkedHashMap<>(last.summary());
            figures.put("calls_per_page", Math.round(10.0 * calls / requests) / 10.0);
            figures.put("empty_pages", empty);
            return figures;
        }

        private JsonNode page(String query) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/calls?" + query))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /api/calls?" + query + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return json.readTree(response.body());
        }
    }
}
