package io.switchboard.diagnose;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The command line of {@code ./diagnose}, read by picocli. */
public record Options(URI gateway, String token, String devAgent, String tenant, int probes, Duration timeout) {
    public static final String DEFAULT_GATEWAY = "http://localhost:8080";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

    /**
     * What was written, before the checks that involve more than one option. Bad usage (picocli's message, or one of
     * these checks', then the usage) exits 2; {@code --help} prints the usage and exits 0.
     */
    @Command(name = "./diagnose", sortOptions = false, usageHelpWidth = 120,
            customSynopsis = "./diagnose [--gateway URL] (--token JWT | --dev-agent ID [--tenant T]) [--probes N]"
                    + " [--timeout 10s]",
            synopsisHeading = "Usage: ",
            description = {"", "Connects to the presence-gateway as a real agent, sends probes through the whole realtime"
                    + " path and says in plain words whether changes reach this client and how fast, or which hop is"
                    + " broken.", ""},
            footer = {"", "Connecting makes that agent appear online to the other agents of its tenant for a moment:"
                    + " until call-state's offline grace (10 s by default) has passed after the check ends.",
                    "Exit code: 0 realtime works, 1 it does not (the last line says where), 2 bad usage."})
    static final class Line implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--gateway", paramLabel = "URL", defaultValue = DEFAULT_GATEWAY, converter = GatewayUrl.class,
                description = "the gateway's base URL (default " + DEFAULT_GATEWAY + "; https:// gives wss://)")
        URI gateway;

        @Option(names = "--token", paramLabel = "JWT", description = "an agent's token, as the console uses it (never"
                + " printed)")
        String token;

        @Option(names = "--dev-agent", paramLabel = "ID", description = "get a token for agent ID from the local stack's"
                + " /dev/token (only the local stack has it)")
        String devAgent;

        @Option(names = "--tenant", paramLabel = "T", description = "the dev agent's tenant (default acme)")
        String tenant;

        @Option(names = "--probes", paramLabel = "N", defaultValue = "5",
                description = "probes to send, one after the other (default 5)")
        int probes;

        @Option(names = "--timeout", paramLabel = "D", defaultValue = "10s", converter = Timeout.class,
                description = "how long each step may take: 10s, 500ms, 1m (default 10s)")
        Duration timeout;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;

        private final ToIntFunction<Options> diagnose;

        Line(ToIntFunction<Options> diagnose) {
            this.diagnose = diagnose;
        }

        @Override
        public Integer call() {
            return diagnose.applyAsInt(options());
        }

        Options options() {
            if ((token == null) == (devAgent == null)) {
                throw usage("Give exactly one of --token and --dev-agent.");
            }
            if (tenant != null && devAgent == null) {
                throw usage("--tenant goes with --dev-agent (a token carries its own tenant).");
            }
            if (probes < 1 || probes > 1000) {
                throw usage("--probes needs a whole number from 1 to 1000; got " + probes);
            }
            return new Options(gateway, token, devAgent, tenant == null ? "acme" : tenant, probes, timeout);
        }

        private ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }
    }

    /** {@code ./diagnose}'s command line, which hands the options it reads to {@code diagnose} for the exit code. */
    static CommandLine commandLine(ToIntFunction<Options> diagnose) {
        return new CommandLine(new Line(diagnose));
    }

    /** @throws ParameterException for a command line that cannot be run: the message says why */
    public static Options parse(String... args) {
        CommandLine line = commandLine(options -> 0);
        line.parseArgs(args);
        return line.<Line>getCommand().options();
    }

    /** The gateway's HTTP base, without a trailing slash; a ws(s):// URL is taken as its http(s):// twin. */
    static final class GatewayUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String url) {
            String base = url.replaceFirst("/+$", "").replaceFirst("^ws://", "http://")
                    .replaceFirst("^wss://", "https://");
            URI uri;
            try {
                uri = URI.create(base);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("not a URL: " + url);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new TypeConversionException("needs an http(s):// URL, such as " + DEFAULT_GATEWAY + "; got "
                        + url);
            }
            return uri;
        }
    }

    /** A bare number is seconds: {@code --timeout 5} is five seconds. */
    static final class Timeout implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("needs a duration such as 10s, 500ms or 1m; got " + value);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) {
                throw new TypeConversionException("must be more than 0");
            }
            return d;
        }
    }

    /** The agent socket of the gateway: ws:// for http://, wss:// for https://. */
    public URI socket() {
        return URI.create(gateway.toString().replaceFirst("^http", "ws") + "/agent/ws");
    }

    /** Who connects, for the first line: never the token. */
    public String who() {
        return devAgent != null ? "dev agent " + devAgent + " of tenant " + tenant : "the agent of the given token";
    }
}
