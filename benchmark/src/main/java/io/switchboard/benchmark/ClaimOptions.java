package io.switchboard.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ./bench claims} does. Every phase is bounded: a count of storms, or a duration.
 *
 * @param claimers        agents of the first tenant; each claims one call of every storm
 * @param storms          storms measured one after the other (after one that warms up)
 * @param claimRate       calls per second to the first tenant under the steady claim load
 * @param ringAgents      agents of the second tenant, whose rings are measured during the storms
 * @param ringRate        calls per second to the second tenant
 * @param duration        how long the steady load, and each of the second tenant's two runs, is measured
 * @param warmup          calls before each of them, not measured; and the whole stack's warm-up before the first
 * @param twilioLatencies how long the Twilio simulator takes to answer each REST call: everything runs once at each
 * @param resultsDir      where the JSON and the SVG go
 * @param docs            the directory the run's result file (markdown) is written to, docs/benchmarks/; null for
 *                        none
 */
public record ClaimOptions(int claimers, int storms, double claimRate, int ringAgents, double ringRate,
        Duration duration, Duration warmup, List<Duration> twilioLatencies, Path repoRoot, Path resultsDir, Path docs,
        String command) {

    static final String USAGE = """
            Usage: ./bench claims [options]
              At each Twilio latency, on two tenants of one stack:
              storms         every agent of the first tenant claims a different ringing call at the same
                             moment; claim → ack of each storm
              steady claims  a steady load of calls to the first tenant, each claimed as it rings: claim → ack
              second tenant  the second tenant's rings (webhook → RINGING on its screens) while the first tenant
                             storms without a pause, against the same without the storms

              --claimers N           agents of the first tenant, one claim each per storm (default 10)
              --storms N             storms measured (default 5), after one that warms up
              --claim-rate R         calls per second of the steady claim load (default 2)
              --ring-agents N        agents of the second tenant (default 10)
              --ring-rate R          calls per second to the second tenant (default 2)
              --duration D           the steady load and each of the second tenant's runs (default 30s)
              --warmup D             calls before each of them, not measured, and the stack's warm-up (default 10s)
              --twilio-latency L,…   the Twilio simulator answers each REST call after L (default 0ms,200ms)
              --no-docs              do not write a result file under docs/benchmarks/
            """;

    public static ClaimOptions parse(Path repoRoot, String... args) {
        int claimers = 10;
        int storms = 5;
        double claimRate = 2;
        int ringAgents = 10;
        double ringRate = 2;
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(10);
        List<Duration> twilioLatencies = BenchmarkOptions.TWILIO_LATENCIES;
        boolean docs = true;
        CommandLine line = new CommandLine("./bench claims", args);
        while (line.more()) {
            String option = line.option();
            switch (option) {
                case "--no-docs" -> docs = false;
                case "--claimers" -> claimers = line.count();
                case "--storms" -> storms = line.count();
                case "--claim-rate" -> claimRate = line.rate();
                case "--ring-agents" -> ringAgents = line.count();
                case "--ring-rate" -> ringRate = line.rate();
                case "--duration" -> duration = line.duration();
                case "--warmup" -> warmup = line.duration();
                case "--twilio-latency" -> twilioLatencies = line.durations();
                default -> throw new IllegalArgumentException("Unknown option: " + option);
            }
        }
        if (claimers < 1 || storms < 1 || ringAgents < 1 || claimRate <= 0 || ringRate <= 0) {
            throw new IllegalArgumentException("Need at least one claimer, storm and agent of the second tenant, "
                    + "and positive rates");
        }
        return new ClaimOptions(claimers, storms, claimRate, ringAgents, ringRate, duration, warmup, twilioLatencies,
                repoRoot, repoRoot.resolve("benchmark/target/results"),
                docs ? repoRoot.resolve(Report.RESULT_FILES) : null, line.written());
    }

    ClaimOptions withResults(Path resultsDir, Path docs) {
        return new ClaimOptions(claimers, storms, claimRate, ringAgents, ringRate, duration, warmup, twilioLatencies,
                repoRoot, resultsDir, docs, command);
    }
}
