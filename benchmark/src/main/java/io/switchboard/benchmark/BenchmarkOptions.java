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

    /** @throws picocli.CommandLine.ParameterException for a line {@code ./bench} would refuse */
    public static BenchmarkOptions parse(Path repoRoot, String... args) {
        return BenchCommands.parse(BenchmarkOptions.class, repoRoot, args);
    }

    BenchmarkOptions withResults(Path resultsDir, Path docs) {
        return new BenchmarkOptions(agents, tenants, rate, duration, warmup, parkEvery, webhookDuration,
                webhookConcurrency, nchan, profile, twilioLatencies, gatewayHeap, serviceHeap, repoRoot, resultsDir, docs,
                command);
    }
}
