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

    /**
     * {@code args} as written after {@code ./bench claims}.
     *
     * @throws picocli.CommandLine.ParameterException for a line {@code ./bench claims} would refuse
     */
    public static ClaimOptions parse(Path repoRoot, String... args) {
        return BenchCommands.parseSubcommand(ClaimOptions.class, repoRoot, "claims", args);
    }

    ClaimOptions withResults(Path resultsDir, Path docs) {
        return new ClaimOptions(claimers, storms, claimRate, ringAgents, ringRate, duration, warmup, twilioLatencies,
                repoRoot, resultsDir, docs, command);
    }
}
