package io.switchboard.benchmark;

import java.nio.file.Path;

/**
 * What {@code ./bench history} does: a history of {@code calls} ended calls, then {@code requests} searches of each
 * shape, one at a time.
 *
 * @param resultsDir where the JSON and the SVG go
 * @param docs       the directory the run's result file (markdown) is written to, docs/benchmarks/; null for none
 */
public record HistoryOptions(int calls, int requests, Path repoRoot, Path resultsDir, Path docs, String command) {

    /**
     * {@code args} as written after {@code ./bench history}.
     *
     * @throws picocli.CommandLine.ParameterException for a line {@code ./bench history} would refuse
     */
    public static HistoryOptions parse(Path repoRoot, String... args) {
        return BenchCommands.parseSubcommand(HistoryOptions.class, repoRoot, "history", args);
    }
}
