package io.switchboard.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one run does. Every phase is bounded: a duration, or a count.
 *
 * @param agents          WebSocket agents, spread evenly over the tenants
 * @param tenants         tenants (each one number, its own Kafka key and seq)
 * @param rate            calls per second placed through the Twilio simulator, over all tenants
 * @param duration        how long calls are measured, after the warm-up
 * @param warmup          calls placed before the measurement starts (JIT, connection pools)
 * @param parkEvery       every n-th call is parked and retrieved by another agent (0: none)
 * @param webhookDuration how long the webhook throughput phase blasts call-ingest (0: skipped)
 * @param webhookConcurrency requests in flight during that phase
 * @param nchan           run the same fan-out through nginx + Nchan
 * @param twilioLatencies how long the Twilio simulator takes to answer each REST call: the calls are placed and
 *                        measured once at each, in this order, on the same stack and agents
 * @param gatewayHeap     the gateway's -Xmx
 * @param serviceHeap     call-ingest's and call-state's -Xmx
 * @param resultsDir      where the JSON and the SVG go
 * @param docs            the directory the run's result file (markdown) is written to, docs/benchmarks/; null for
 *                        none
 * @param command         the command line, as written to the results
 */
public record BenchmarkOptions(int agents, int tenants, double rate, Duration duration, Duration warmup, int parkEvery,
        Duration webhookDuration, int webhookConcurrency, boolean nchan, boolean profile, List<Duration> twilioLatencies,
        String gatewayHeap, String serviceHeap, Path repoRoot, Path resultsDir, Path docs, String command) {

    static final String USAGE = """
            Usage: ./bench [options]      (./bench jmh [JMH options] for the microbenchmarks)
              --agents N             WebSocket agents (default 1000; up to 10000)
              --tenants N            tenants the agents are spread over (default 1)
              --rate R               calls per second (default 50)
              --duration D           measured time, e.g. 60s (default 60s)
              --warmup D             calls before the measurement (default 10s)
              --park-every N         every N-th call is parked and retrieved (default 5; 0: none)
              --twilio-latency L,…   the Twilio simulator answers each REST call after L; the calls run once at
                                     each (default 0ms,200ms: at once, and as real Twilio does)
              --webhook-duration D   webhook throughput phase (default 15s; 0s: skip)
              --webhook-concurrency N  requests in flight in that phase (default 128)
              --no-nchan             skip the nginx + Nchan fan-out
              --profile              record every JVM with JFR during the calls; hottest methods in the results
              --gateway-heap SIZE    the gateway's -Xmx (default 1g)
              --no-docs              do not write a result file under docs/benchmarks/

            Usage: ./bench claims [options]   claim storms, claims under load and a second tenant's rings
                                              (./bench claims --help)
            """;

    /** {@code --twilio-latency}'s default: every figure at once and with Twilio's real round trip. */
    static final List<Duration> TWILIO_LATENCIES = List.of(Duration.ZERO, Duration.ofMillis(200));

    public static BenchmarkOptions parse(Path repoRoot, String... args) {
        int agents = 1000;
        int tenants = 1;
        double rate = 50;
        Duration duration = Duration.ofSeconds(60);
        Duration warmup = Duration.ofSeconds(10);
        int parkEvery = 5;
        Duration webhookDuration = Duration.ofSeconds(15);
        int webhookConcurrency = 128;
        boolean nchan = true;
        boolean profile = false;
        String gatewayHeap = "1g";
        List<Duration> twilioLatencies = TWILIO_LATENCIES;
        boolean docs = true;
        CommandLine line = new CommandLine("./bench", args);
        while (line.more()) {
            String option = line.option();
            switch (option) {
                case "--no-nchan" -> nchan = false;
                case "--no-docs" -> docs = false;
                case "--profile" -> profile = true;
                case "--agents" -> agents = line.count();
                case "--tenants" -> tenants = line.count();
                case "--rate" -> rate = line.rate();
                case "--duration" -> duration = line.duration();
                case "--warmup" -> warmup = line.duration();
                case "--park-every" -> parkEvery = line.count();
                case "--webhook-duration" -> webhookDuration = line.duration();
                case "--webhook-concurrency" -> webhookConcurrency = line.count();
                case "--gateway-heap" -> gatewayHeap = line.value();
                case "--twilio-latency" -> twilioLatencies = line.durations();
                default -> throw new IllegalArgumentException("Unknown option: " + option);
            }
        }
        if (agents < tenants || tenants < 1 || rate <= 0) {
            throw new IllegalArgumentException("Need at least one agent per tenant, one tenant and a positive rate");
        }
        return new BenchmarkOptions(agents, tenants, rate, duration, warmup, parkEvery, webhookDuration,
                webhookConcurrency, nchan, profile, twilioLatencies, gatewayHeap, "512m", repoRoot,
                repoRoot.resolve("benchmark/target/results"), docs ? repoRoot.resolve(Report.RESULT_FILES) : null,
                line.written());
    }

    BenchmarkOptions withResults(Path resultsDir, Path docs) {
        return new BenchmarkOptions(agents, tenants, rate, duration, warmup, parkEvery, webhookDuration,
                webhookConcurrency, nchan, profile, twilioLatencies, gatewayHeap, serviceHeap, repoRoot, resultsDir, docs,
                command);
    }
}
