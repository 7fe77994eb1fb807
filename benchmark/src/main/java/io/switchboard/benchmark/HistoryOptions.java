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

    static final String USAGE = """
            Usage: ./bench history [options]
              The call history agents search (GET /api/calls on the gateway), over one tenant's ended calls
              generated into PostgreSQL: each search shape asked over HTTP with an agent's token, one at a time.

              --calls N              ended calls in the tenant's history (default 1000000)
              --requests N           searches of each shape measured (default 200), after 20 not measured
              --no-docs              do not write a result file under docs/benchmarks/
            """;

    public static HistoryOptions parse(Path repoRoot, String... args) {
        int calls = 1_000_000;
        int requests = 200;
        boolean docs = true;
        CommandLine line = new CommandLine("./bench history", args);
        while (line.more()) {
            String option = line.option();
            switch (option) {
                case "--no-docs" -> docs = false;
                case "--calls" -> calls = line.count();
                case "--requests" -> requests = line.count();
                default -> throw new IllegalArgumentException("Unknown option: " + option);
            }
        }
        if (calls < 1_000 || requests < 1) {
            throw new IllegalArgumentException("Need at least 1000 calls and one request of each shape");
        }
        return new HistoryOptions(calls, requests, repoRoot, repoRoot.resolve("benchmark/target/results"),
                docs ? repoRoot.resolve(Report.RESULT_FILES) : null, line.written());
    }
}
