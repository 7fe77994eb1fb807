package io.switchboard.benchmark;

import io.switchboard.stack.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./bench}'s command line, read by picocli: the calls (no first word), and the {@code claims} and
 * {@code history} scenarios as subcommands. Each command turns what was written into its options record and runs it.
 * A line that cannot be run gets picocli's message naming the option, then the usage, exit code 2; {@code --help}
 * prints the usage. {@code ./bench jmh} never comes here: the script hands it to JMH's own command line.
 */
final class BenchCommands {
    private BenchCommands() {
    }

    /** The whole command line; {@code args} as written go to the results. */
    static CommandLine commandLine(Path repoRoot, String... args) {
        return new CommandLine(new Calls(repoRoot, "./bench" + (args.length == 0 ? "" : " " + String.join(" ", args))));
    }

    /** The options of the command {@code args} name, as {@code type}; for tests and callers that run it themselves. */
    static <T> T parse(Class<T> type, Path repoRoot, String... args) {
        CommandLine line = commandLine(repoRoot, args);
        ParseResult parsed = line.parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return type.cast(((Scenario<?>) parsed.commandSpec().userObject()).options());
    }

    /** The options of {@code ./bench subcommand args}, as {@code type}. */
    static <T> T parseSubcommand(Class<T> type, Path repoRoot, String subcommand, String... args) {
        String[] line = new String[args.length + 1];
        line[0] = subcommand;
        System.arraycopy(args, 0, line, 1, args.length);
        return parse(type, repoRoot, line);
    }

    /** A command whose options are a record; running it prints where its results went. */
    private abstract static class Scenario<O> implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        abstract O options();

        abstract Path run(O options) throws Exception;

        @Override
        public Integer call() throws Exception {
            System.out.println("Results: " + run(options()));
            return 0;
        }

        ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }
    }

    /** Durations as {@link Durations} reads them: {@code 200ms}, {@code 1.5s}, {@code 2m}, {@code 0}. */
    static final class DurationValue implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** What every command has. */
    static final class Common {
        @Option(names = "--no-docs", description = "do not write a result file under docs/benchmarks/")
        boolean noDocs;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;
    }

    /** What the commands measured at each Twilio latency have. */
    static final class Latencies {
        /** Every figure at once and with Twilio's real round trip. */
        @Option(names = "--twilio-latency", paramLabel = "L", split = ",", defaultValue = "0ms,200ms",
                converter = DurationValue.class, description = {"the Twilio simulator answers each REST call after L;"
                        + " everything runs once at each (default 0ms,200ms: at once, and as real Twilio does)"})
        List<Duration> twilioLatencies;
    }

    @Command(name = "./bench", sortOptions = false, abbreviateSynopsis = true, usageHelpWidth = 120,
            subcommands = {Claims.class, History.class},
            description = {"The whole path from a signed Twilio webhook to every agent's screen, once at each Twilio"
                    + " latency;", "the same fan-out through nginx + Nchan; the webhook admission rate.", ""},
            footer = {"", "./bench jmh [JMH options]   the microbenchmarks, e.g. ./bench jmh -f 1 -wi 2 -i 3",
                    "./bench claims --help, ./bench history --help   the scenarios' own options"})
    static final class Calls extends Scenario<BenchmarkOptions> {
        final Path repoRoot;
        final String written;

        @Option(names = "--agents", paramLabel = "N", defaultValue = "1000",
                description = "WebSocket agents (default 1000; up to 10000)")
        int agents;

        @Option(names = "--tenants", paramLabel = "N", defaultValue = "1",
                description = "tenants the agents are spread over (default 1)")
        int tenants;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "50", description = "calls per second (default 50)")
        double rate;

        @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", converter = DurationValue.class,
                description = "measured time, e.g. 60s (default 60s)")
        Duration duration;

        @Option(names = "--warmup", paramLabel = "D", defaultValue = "10s", converter = DurationValue.class,
                description = "calls before the measurement (default 10s)")
        Duration warmup;

        @Option(names = "--park-every", paramLabel = "N", defaultValue = "5",
                description = "every N-th call is parked and retrieved (default 5; 0: none)")
        int parkEvery;

        @Mixin
        Latencies latencies;

        @Option(names = "--webhook-duration", paramLabel = "D", defaultValue = "15s", converter = DurationValue.class,
                description = "webhook throughput phase (default 15s; 0s: skip)")
        Duration webhookDuration;

        @Option(names = "--webhook-concurrency", paramLabel = "N", defaultValue = "128",
                description = "requests in flight in that phase (default 128)")
        int webhookConcurrency;

        @Option(names = "--no-nchan", description = "skip the nginx + Nchan fan-out")
        boolean noNchan;

        @Option(names = "--profile",
                description = "record every JVM with JFR during the calls; hottest methods in the results")
        boolean profile;

        @Option(names = "--gateway-heap", paramLabel = "SIZE", defaultValue = "1g",
                description = "the gateway's -Xmx (default 1g)")
        String gatewayHeap;

        @Mixin
        Common common;

        Calls(Path repoRoot, String written) {
            this.repoRoot = repoRoot;
            this.written = written;
        }

        @Override
        BenchmarkOptions options() {
            if (agents < tenants || tenants < 1 || rate <= 0) {
                throw usage("Need at least one agent per tenant, one tenant and a positive rate");
            }
            return new BenchmarkOptions(agents, tenants, rate, duration, warmup, parkEvery, webhookDuration,
                    webhookConcurrency, !noNchan, profile, latencies.twilioLatencies, gatewayHeap, "512m", repoRoot,
                    results(repoRoot), docs(repoRoot, common), written);
        }

        @Override
        Path run(BenchmarkOptions options) throws Exception {
            return Benchmark.run(options);
        }
    }

    @Command(name = "claims", sortOptions = false, abbreviateSynopsis = true, usageHelpWidth = 120,
            description = {"Claim storms, claims under load and a second tenant's rings.",
                    "At each Twilio latency, on two tenants of one stack:",
                    "  storms         every agent of the first tenant claims a different ringing call at the same",
                    "                 moment; claim → ack of each storm",
                    "  steady claims  a steady load of calls to the first tenant, each claimed as it rings: claim → ack",
                    "  second tenant  the second tenant's rings (webhook → RINGING on its screens) while the first",
                    "                 tenant storms without a pause, against the same without the storms", ""})
    static final class Claims extends Scenario<ClaimOptions> {
        @ParentCommand
        Calls parent;

        @Option(names = "--claimers", paramLabel = "N", defaultValue = "10",
                description = "agents of the first tenant, one claim each per storm (default 10)")
        int claimers;

        @Option(names = "--storms", paramLabel = "N", defaultValue = "5",
                description = "storms measured (default 5), after one that warms up")
        int storms;

        @Option(names = "--claim-rate", paramLabel = "R", defaultValue = "2",
                description = "calls per second of the steady claim load (default 2)")
        double claimRate;

        @Option(names = "--ring-agents", paramLabel = "N", defaultValue = "10",
                description = "agents of the second tenant (default 10)")
        int ringAgents;

        @Option(names = "--ring-rate", paramLabel = "R", defaultValue = "2",
                description = "calls per second to the second tenant (default 2)")
        double ringRate;

        @Option(names = "--duration", paramLabel = "D", defaultValue = "30s", converter = DurationValue.class,
                description = "the steady load and each of the second tenant's runs (default 30s)")
        Duration duration;

        @Option(names = "--warmup", paramLabel = "D", defaultValue = "10s", converter = DurationValue.class,
                description = "calls before each of them, not measured, and the stack's warm-up (default 10s)")
        Duration warmup;

        @Mixin
        Latencies latencies;

        @Mixin
        Common common;

        @Override
        ClaimOptions options() {
            if (claimers < 1 || storms < 1 || ringAgents < 1 || claimRate <= 0 || ringRate <= 0) {
                throw usage("Need at least one claimer, storm and agent of the second tenant, and positive rates");
            }
            return new ClaimOptions(claimers, storms, claimRate, ringAgents, ringRate, duration, warmup,
                    latencies.twilioLatencies, parent.repoRoot, results(parent.repoRoot), docs(parent.repoRoot, common),
                    parent.written);
        }

        @Override
        Path run(ClaimOptions options) throws Exception {
            return ClaimScenario.run(options);
        }
    }

    @Command(name = "history", sortOptions = false, abbreviateSynopsis = true, usageHelpWidth = 120,
            description = {"The call history's searches over a million calls.",
                    "The call history agents search (GET /api/calls on the gateway), over one tenant's ended calls",
                    "generated into PostgreSQL: each search shape asked over HTTP with an agent's token, one at a time.",
                    ""})
    static final class History extends Scenario<HistoryOptions> {
        @ParentCommand
        Calls parent;

        @Option(names = "--calls", paramLabel = "N", defaultValue = "1000000",
                description = "ended calls in the tenant's history (default 1000000)")
        int calls;

        @Option(names = "--requests", paramLabel = "N", defaultValue = "200",
                description = "searches of each shape measured (default 200), after 20 not measured")
        int requests;

        @Mixin
        Common common;

        @Override
        HistoryOptions options() {
            if (calls < 1_000 || requests < 1) {
                throw usage("Need at least 1000 calls and one request of each shape");
            }
            return new HistoryOptions(calls, requests, parent.repoRoot, results(parent.repoRoot),
                    docs(parent.repoRoot, common), parent.written);
        }

        @Override
        Path run(HistoryOptions options) throws Exception {
            return HistoryScenario.run(options);
        }
    }

    private static Path results(Path repoRoot) {
        return repoRoot.resolve("benchmark/target/results");
    }

    private static Path docs(Path repoRoot, Common common) {
        return common.noDocs ? null : repoRoot.resolve(Report.RESULT_FILES);
    }
}
