package io.switchboard.diagnose;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line of {@code ./diagnose}. */
public record Options(URI gateway, String token, String devAgent, String tenant, int probes, Duration timeout) {
    public static final String DEFAULT_GATEWAY = "http://localhost:8080";

    public static final String USAGE = """
            Usage: ./diagnose [--gateway URL] (--token JWT | --dev-agent ID [--tenant T]) [--probes N] [--timeout 10s]

            Connects to the presence-gateway as a real agent, sends probes through the whole realtime path and says in
            plain words whether changes reach this client and how fast, or which hop is broken.

              --gateway URL    the gateway's base URL (default http://localhost:8080; https:// gives wss://)
              --token JWT      an agent's token, as the console uses it (never printed)
              --dev-agent ID   get a token for agent ID from the local stack's /dev/token (only the local stack has it)
              --tenant T       the dev agent's tenant (default acme)
              --probes N       probes to send, one after the other (default 5)
              --timeout D      how long each step may take: 10s, 500ms, 1m (default 10s)

            Connecting makes that agent appear online to the other agents of its tenant for a moment: until call-state's
            offline grace (10 s by default) has passed after the check ends.
            Exit code: 0 realtime works, 1 it does not (the last line says where), 2 bad usage.
            """;

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

    /** A command line that cannot be run: the message says why; exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static Options parse(String... args) throws UsageException {
        String gateway = DEFAULT_GATEWAY;
        String token = null;
        String devAgent = null;
        String tenant = null;
        int probes = 5;
        Duration timeout = Duration.ofSeconds(10);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--gateway" -> gateway = value(args, ++i, arg);
                case "--token" -> token = value(args, ++i, arg);
                case "--dev-agent" -> devAgent = value(args, ++i, arg);
                case "--tenant" -> tenant = value(args, ++i, arg);
                case "--probes" -> probes = probes(value(args, ++i, arg));
                case "--timeout" -> timeout = duration(value(args, ++i, arg));
                default -> throw new UsageException("Unknown argument: " + arg);
            }
        }
        if ((token == null) == (devAgent == null)) {
            throw new UsageException("Give exactly one of --token and --dev-agent.");
        }
        if (tenant != null && devAgent == null) {
            throw new UsageException("--tenant goes with --dev-agent (a token carries its own tenant).");
        }
        return new Options(gatewayUri(gateway), token, devAgent, tenant == null ? "acme" : tenant, probes, timeout);
    }

    /** The gateway's HTTP base, without a trailing slash; a ws(s):// URL is taken as its http(s):// twin. */
    static URI gatewayUri(String url) throws UsageException {
        String base = url.replaceFirst("/+$", "").replaceFirst("^ws://", "http://").replaceFirst("^wss://", "https://");
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new UsageException("Not a URL: " + url);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new UsageException("--gateway needs an http(s):// URL, such as " + DEFAULT_GATEWAY + "; got " + url);
        }
        return uri;
    }

    /** The agent socket of the gateway: ws:// for http://, wss:// for https://. */
    public URI socket() {
        return URI.create(gateway.toString().replaceFirst("^http", "ws") + "/agent/ws");
    }

    private static String value(String[] args, int i, String name) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value.");
        }
        return args[i];
    }

    private static int probes(String value) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageException("--probes needs a whole number from 1 to 1000; got " + value);
    }

    static Duration duration(String value) throws UsageException {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--timeout needs a duration such as 10s, 500ms or 1m; got " + value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw new UsageException("--timeout must be more than 0");
        }
        return d;
    }

    /** Who connects, for the first line: never the token. */
    public String who() {
        return devAgent != null ? "dev agent " + devAgent + " of tenant " + tenant : "the agent of the given token";
    }
}
