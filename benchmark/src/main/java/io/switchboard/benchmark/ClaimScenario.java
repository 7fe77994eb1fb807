package io.switchboard.benchmark;

import io.switchboard.stack.Stack;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * {@code ./bench claims}: what a claim costs while Twilio takes its time to answer. On one stack (the same as
 * {@link Benchmark}'s: real services, Kafka, PostgreSQL, the simulator in this JVM) two tenants, each with its own
 * number and agents connected through the gateway; then, at each Twilio latency:
 * <ol>
 *   <li><b>storms</b>: every agent of the first tenant claims a different ringing call at the same moment
 *       ({@link ClaimStorm}), one storm after the other; claim → ack of each;</li>
 *   <li><b>steady claims</b>: calls to the first tenant at a fixed rate, each claimed as it rings ({@link CallLoad});
 *       claim → ack;</li>
 *   <li><b>second tenant</b>: calls to the second tenant at a fixed rate ({@link CallLoad}); its rings, webhook →
 *       RINGING on every screen, first alone, then while the first tenant storms without a pause.</li>
 * </ol>
 * Writes {@code benchmark/target/results/claims-<date>.json}, an SVG plot beside it and a result file,
 * {@code docs/benchmarks/<date>-claims.md}.
 */
final class ClaimScenario {
    private static final System.Logger LOG = System.getLogger(ClaimScenario.class.getName());
    /** The targets are set with Twilio answering after this. */
    static final long TARGET_LATENCY_MS = 200;

    private ClaimScenario() {
    }

    static Path run(ClaimOptions o) throws Exception {
        Map<String, Object> result = Benchmark.header(o.repoRoot());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", o.command());
        run.put("claimers", o.claimers());
        run.put("storms", o.storms());
        run.put("claim_rate", o.claimRate());
        run.put("ring_agents", o.ringAgents());
        run.put("ring_rate", o.ringRate());
        run.put("duration_s", o.duration().toSeconds());
        run.put("warmup_s", o.warmup().toSeconds());
        run.put("twilio_latencies_ms", o.twilioLatencies().stream().map(Duration::toMillis).toList());
        result.put("run", run);

        CallLoad.Tenant first = CallLoad.tenant(1, o.claimers());
        CallLoad.Tenant second = CallLoad.tenant(2, o.ringAgents());
        Map<String, Histogram> plot = new LinkedHashMap<>();
        try (Stack stack = Benchmark.startStack(o.repoRoot(), "1g", "512m"); Fleet fleet = new Fleet(2)) {
            Benchmark.seed(stack, List.of(first, second));
            List<CallLoad.Agent> agents = new ArrayList<>(first.agents);
            agents.addAll(second.agents);
            result.put("connect", Benchmark.connect(stack, fleet, agents));
            ClaimStorm storm = new ClaimStorm(first, stack.simulator());
            warmUp(o, stack.simulator(), fleet, storm, first, second);
            List<Map<String, Object>> phases = new ArrayList<>();
            for (Duration latency : o.twilioLatencies()) {
                phases.add(atLatency(o, stack.simulator(), fleet, storm, first, second, latency, plot));
            }
            result.put("by_twilio_latency", phases);
            fleet.closeAll(agents.stream().map(a -> a.socket).toList());
        }
        result.put("targets", targets(o, result));
        String title = "Claims: " + o.claimers() + " agents storming, steady " + o.claimRate() + " calls/s, second "
                + "tenant " + o.ringRate() + " calls/s — " + result.get("date");
        return Benchmark.write(o.resultsDir(), o.docs(), "claims-", "claims", result, Report.svg(title, plot),
                json -> Report.claimsMarkdown(result, json));
    }

    /**
     * A fresh stack is slow for its first seconds (JIT, connection pools, Kafka's first fetches): every path the
     * phases take runs once before anything is measured, at the first latency — the second tenant's calls for
     * {@code --warmup} while the first tenant storms — so that no phase, and neither side of the second tenant's
     * comparison, pays for it.
     */
    private static void warmUp(ClaimOptions o, TwilioSimulator simulator, Fleet fleet, ClaimStorm storm,
            CallLoad.Tenant first, CallLoad.Tenant second) throws Exception {
        simulator.apiLatency(o.twilioLatencies().get(0));
        LOG.log(System.Logger.Level.INFO, "Warming up for {0} s", o.warmup().toSeconds());
        CallLoad calls = new CallLoad(List.of(second), simulator, fleet);
        Screens.watch(List.of(second), calls);
        Screens.watch(List.of(first), storm);
        whileStorming(storm, new Latency(), () -> calls.run(o.ringRate(), o.warmup(), Duration.ZERO, 0));
        calls.close();
    }

    private static Map<String, Object> atLatency(ClaimOptions o, TwilioSimulator simulator, Fleet fleet,
            ClaimStorm storm, CallLoad.Tenant first, CallLoad.Tenant second, Duration latency,
            Map<String, Histogram> plot) throws Exception {
        simulator.apiLatency(latency);
        String at = ", Twilio " + latency.toMillis() + " ms";
        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("twilio_latency_ms", latency.toMillis());

        // ---- storms ------------------------------------------------------------------------------------------------
        LOG.log(System.Logger.Level.INFO, "Claim storms with Twilio answering REST after {0} ms: {1} agents, {2} "
                + "storms after one that warms up", latency.toMillis(), o.claimers(), o.storms());
        Screens.watch(List.of(first), storm);
        storm.run(new Latency()); // the first at a new latency is not measured
        Latency everyStorm = new Latency();
        List<Map<String, Object>> storms = new ArrayList<>();
        for (int i = 1; i <= o.storms(); i++) {
            storms.add(storm.run(everyStorm).figures(i));
        }
        phase.put("storms", storms);
        phase.put("every_storm_claim_to_ack", everyStorm.summary());
        plot.put("storms" + at + ": claim → ack", everyStorm.histogram());
        LOG.log(System.Logger.Level.INFO, "Storms: {0}", storms);

        // ---- steady claims -----------------------------------------------------------------------------------------
        LOG.log(System.Logger.Level.INFO, "Steady claims: {0} calls/s to the first tenant", o.claimRate());
        CallLoad steady = new CallLoad(List.of(first), simulator, fleet);
        Screens.watch(List.of(first), both(storm, steady));
        Map<String, Object> steadyCalls = steady.run(o.claimRate(), o.warmup(), o.duration(), 0);
        steady.close();
        phase.put("steady_claims", pick(steadyCalls, "calls_measured", "calls_per_second", "claims_acked",
                "claim_round_trip", "other_commands_round_trip", "errors"));
        plot.put("steady" + at + ": claim → ack", steady.claimRoundTrip.histogram());

        // ---- the second tenant, alone and during storms ------------------------------------------------------------
        LOG.log(System.Logger.Level.INFO, "Second tenant: {0} calls/s, alone", o.ringRate());
        CallLoad alone = new CallLoad(List.of(second), simulator, fleet);
        Screens.watch(List.of(second), alone);
        Map<String, Object> aloneCalls = alone.run(o.ringRate(), o.warmup(), o.duration(), 0);
        alone.close();

        LOG.log(System.Logger.Level.INFO, "Second tenant: {0} calls/s, while the first tenant storms", o.ringRate());
        CallLoad withStorms = new CallLoad(List.of(second), simulator, fleet);
        Screens.watch(List.of(second), withStorms);
        Screens.watch(List.of(first), storm);
        Latency stormsDuring = new Latency();
        Stormed<Map<String, Object>> during = whileStorming(storm, stormsDuring,
                () -> withStorms.run(o.ringRate(), o.warmup(), o.duration(), 0));
        withStorms.close();
        Map<String, Object> secondTenant = new LinkedHashMap<>();
        String[] ringFigures = {"calls_measured", "calls_per_second", "ring_samples_expected",
            "end_to_end_every_agent", "end_to_end_last_agent_of_call", "claim_round_trip", "errors"};
        secondTenant.put("alone", pick(aloneCalls, ringFigures));
        secondTenant.put("during_storms", pick(during.calls(), ringFigures));
        secondTenant.put("storms_during", during.storms().size());
        secondTenant.put("storms_claim_to_ack", stormsDuring.summary());
        secondTenant.put("ring_p99_change_percent", change(p99(aloneCalls), p99(during.calls())));
        phase.put("second_tenant", secondTenant);
        // Short: the legend has room for about 55 characters.
        plot.put("tenant 2" + at + ": ring", alone.endToEnd.histogram());
        plot.put("tenant 2 + storms" + at + ": ring", withStorms.endToEnd.histogram());
        LOG.log(System.Logger.Level.INFO, "At Twilio {0} ms: {1}", latency.toMillis(), phase);
        return phase;
    }

    /** What {@code calls} returned, and the figures of each storm that ran meanwhile. */
    private record Stormed<T>(T calls, List<Map<String, Object>> storms) {
    }

    /** Runs {@code calls} while the first tenant's agents storm, one storm after the other, until it returns. */
    private static <T> Stormed<T> whileStorming(ClaimStorm storm, Latency acks, Callable<T> calls) throws Exception {
        List<Map<String, Object>> storms = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean calm = new AtomicBoolean();
        Thread storming = new Thread(() -> {
            try {
                while (!calm.get()) {
                    storms.add(storm.run(acks).figures(storms.size() + 1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "The claim storms stopped: " + e, e);
            }
        }, "claim-storms");
        storming.start();
        T result;
        try {
            result = calls.call();
        } finally {
            calm.set(true);
            // A storm's every step is bounded by STEP_LIMIT: the one under way ends within three of them.
            storming.join(ClaimStorm.STEP_LIMIT.multipliedBy(4).toMillis());
        }
        return new Stormed<>(result, List.copyOf(storms));
    }

    private static Fleet.Frames both(Fleet.Frames one, Fleet.Frames other) {
        return (socket, text, now) -> {
            one.onText(socket, text, now);
            other.onText(socket, text, now);
        };
    }

    private static Map<String, Object> pick(Map<String, Object> figures, String... keys) {
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String key : keys) {
            picked.put(key, figures.get(key));
        }
        return picked;
    }

    @SuppressWarnings("unchecked")
    private static double p99(Map<String, Object> calls) {
        Map<String, Object> e2e = (Map<String, Object>) calls.get("end_to_end_every_agent");
        return ((Number) e2e.get("p99_ms")).doubleValue();
    }

    private static Double change(double before, double after) {
        return before > 0 ? Math.round((after - before) / before * 1000) / 10.0 : null;
    }

    /** The three claim targets, checked on the run at {@link #TARGET_LATENCY_MS}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> targets(ClaimOptions o, Map<String, Object> result) {
        Map<String, Object> phase = ((List<Map<String, Object>>) result.get("by_twilio_latency")).stream()
                .filter(p -> ((Number) p.get("twilio_latency_ms")).longValue() == TARGET_LATENCY_MS).findFirst()
                .orElse(null);
        String at = ", Twilio " + TARGET_LATENCY_MS + " ms";
        String steadyTarget = "claim → ack p50 ≤ 10 ms, p99 ≤ 50 ms under a steady claim load" + at;
        String stormTarget = o.claimers() + " agents claiming " + o.claimers() + " different calls at the same moment "
                + "all get their acks within 300 ms" + at;
        String secondTarget = "a second tenant's ring p99 moves by less than 10 % during the first tenant's claim "
                + "storms" + at;
        List<Map<String, Object>> targets = new ArrayList<>();
        if (phase == null) {
            for (String target : List.of(steadyTarget, stormTarget, secondTarget)) {
                targets.add(Report.target(target, "no run at Twilio " + TARGET_LATENCY_MS + " ms", null));
            }
            return targets;
        }
        Map<String, Object> steady = (Map<String, Object>) ((Map<String, Object>) phase.get("steady_claims"))
                .get("claim_round_trip");
        double p50 = ((Number) steady.get("p50_ms")).doubleValue();
        double p99 = ((Number) steady.get("p99_ms")).doubleValue();
        long count = ((Number) steady.get("count")).longValue();
        targets.add(Report.target(steadyTarget, "p50 " + p50 + " ms, p99 " + p99 + " ms (" + count + " claims)",
                count > 0 && p50 <= 10 && p99 <= 50));

        List<Map<String, Object>> storms = (List<Map<String, Object>>) phase.get("storms");
        List<String> maxima = new ArrayList<>();
        boolean allWithin = true;
        for (Map<String, Object> storm : storms) {
            double max = ((Number) storm.get("max_ms")).doubleValue();
            boolean everyAck = ((Number) storm.get("count")).longValue() == o.claimers()
                    && ((Map<String, Object>) storm.get("errors")).isEmpty();
            maxima.add(max + (everyAck ? "" : " (not every claim acked)"));
            allWithin &= everyAck && max <= 300;
        }
        targets.add(Report.target(stormTarget, "last ack of each storm: " + String.join(", ", maxima) + " ms",
                allWithin));

        Map<String, Object> second = (Map<String, Object>) phase.get("second_tenant");
        Number change = (Number) second.get("ring_p99_change_percent");
        targets.add(Report.target(secondTarget, "p99 " + p99OfSecond(second, "alone") + " ms alone, "
                + p99OfSecond(second, "during_storms") + " ms during " + second.get("storms_during") + " storms: "
                + (change == null ? "?" : (change.doubleValue() > 0 ? "+" : "") + change + " %"),
                change == null ? null : Math.abs(change.doubleValue()) < 10));
        return targets;
    }

    @SuppressWarnings("unchecked")
    static Object p99OfSecond(Map<String, Object> second, String which) {
        return ((Map<String, Object>) ((Map<String, Object>) second.get(which)).get("end_to_end_every_agent"))
                .get("p99_ms");
    }
}
