package io.switchboard.stack;

import io.switchboard.stack.Stack.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./stack up [--fresh] [--twilio-latency 200ms] [--infra-only]}: starts the local stack with its data in
 * {@code .stack/} under the repository root, prints where everything is, and runs until Ctrl-C. With
 * {@code --infra-only} it starts Kafka, PostgreSQL and the Twilio simulator only, and prints the settings that let a
 * service run against them in development mode ({@code ./mvnw quarkus:dev -pl call-state -am}).
 */
public final class StackMain {
    private static final String USAGE = """
            Usage: ./stack up [--fresh] [--twilio-latency D] [--infra-only]
              up                  start PostgreSQL, Kafka, the Twilio simulator and the three services; Ctrl-C stops
                                  them
              --fresh             forget the data of earlier runs (.stack/) first
              --twilio-latency D  the simulator answers every REST call after D, e.g. 200ms (real Twilio: roughly
                                  100-300ms); default 0, at once
              --infra-only        start PostgreSQL (migrated, seeded), Kafka and the simulator, not the services, and
                                  print the settings to run a service with ./mvnw quarkus:dev -pl <service> -am
            """;

    /** What {@code ./stack up} was asked for. */
    record Up(boolean fresh, Duration twilioLatency, boolean infraOnly) {
        /** @throws IllegalArgumentException for an unknown option or a bad value, saying which */
        static Up parse(List<String> options) {
            boolean fresh = false;
            Duration twilioLatency = Duration.ZERO;
            boolean infraOnly = false;
            for (int i = 0; i < options.size(); i++) {
                String option = options.get(i);
                if ("--fresh".equals(option)) {
                    fresh = true;
                } else if ("--infra-only".equals(option)) {
                    infraOnly = true;
                } else if ("--twilio-latency".equals(option) && i + 1 < options.size()) {
                    try {
                        twilioLatency = Durations.parse(options.get(++i));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--twilio-latency: " + e.getMessage(), e);
                    }
                } else {
                    throw new IllegalArgumentException("Unknown option or missing value: " + option);
                }
            }
            return new Up(fresh, twilioLatency, infraOnly);
        }
    }

    private StackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        if (args.length == 0 || !"up".equals(args[0])) {
            System.err.print(USAGE);
            System.exit(args.length == 0 ? 0 : 2);
        }
        Up up;
        try {
            up = Up.parse(List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.print(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Path root = Path.of(System.getProperty("stack.root", "")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("local-stack")) || !Files.isRegularFile(root.resolve("pom.xml"))) {
            System.err.println(root + " is not Switchboard's repository root; run ./stack from the repository.");
            System.exit(2);
        }

        Stack stack;
        try {
            Stack.Options options = Stack.Options.defaults(root).withDataDir(root.resolve(".stack"))
                    .withFresh(up.fresh()).withSimulator(config -> config.withApiLatency(up.twilioLatency()));
            stack = up.infraOnly() ? Stack.startInfrastructure(options) : Stack.start(options);
        } catch (Stack.StackException e) {
            System.err.println();
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(up.infraOnly() ? infrastructureBanner(stack) : banner(stack));
        // Runs until Ctrl-C; Stack's shutdown hook then stops everything.
        new CountDownLatch(1).await();
    }

    private static String infrastructureBanner(Stack stack) {
        String simulator = stack.simulator().baseUrl();
        Duration latency = stack.simulator().apiLatency();
        return """

                Kafka, PostgreSQL and the Twilio simulator are up; no service runs (--infra-only).
                  Kafka             %s
                  PostgreSQL        %s   (owner postgres, no password; migrated, seed tenant acme;
                                    the services' own logins call_state, call_ingest, presence_gateway)
                  Twilio simulator  %s%s
                  data and logs     %s
                %s

                Run a service in development mode (live reload) in another terminal, from the repository root, with
                these settings (Dev Services stay off; ports: presence-gateway 8080, call-ingest 8081, call-state 8082):

                %s

                  ./mvnw quarkus:dev -pl call-state -am     (or call-ingest, or presence-gateway; one terminal each)

                -am builds the modules it uses (contract) from this checkout too; their changes reload as well.
                Ctrl-C stops Kafka, PostgreSQL and the simulator.
                """.formatted(stack.kafkaBootstrapServers(), stack.postgres().jdbcUrl(), simulator,
                latency.isZero() ? "" : "   (answers REST after " + latency.toMillis() + " ms)", stack.dataDir(),
                stack.twilioMode(), exports(stack.devEnvironment()));
    }

    /** {@code export NAME='value'} lines, for a POSIX shell to paste or {@code eval}. */
    static String exports(Map<String, String> environment) {
        StringBuilder lines = new StringBuilder();
        environment.forEach((name, value) -> lines.append("export ").append(name).append("='")
                .append(value.replace("'", "'\\''")).append("'\n"));
        return lines.toString().stripTrailing();
    }

    private static String banner(Stack stack) {
        String gateway = stack.baseUrl(Service.PRESENCE_GATEWAY);
        String simulator = stack.simulator().baseUrl();
        Duration latency = stack.simulator().apiLatency();
        String answers = latency.isZero() ? "" : "   (answers REST after " + latency.toMillis() + " ms)";
        return """

                Switchboard is up.
                  agent console     %s/   (open it in two windows; sign in as Doug and Rhonda)
                  presence-gateway  %s   (WebSocket %s/agent/ws)
                  call-ingest       %s
                  call-state        %s
                  Twilio simulator  %s%s
                  Kafka             %s
                  PostgreSQL        %s   (owner postgres, no password; each service logs in as its own role)
                  data and logs     %s
                %s

                A dev token for doug (or rhonda):
                  curl -s '%s/dev/token?tenant=acme&agent=doug'
                A caller dials the acme number:
                  curl -s -X POST %s/sim/calls -H 'Content-Type: application/json' \\
                       -d '{"from":"+15551230000","to":"%s"}'
                What the simulator did with it (and how to hang up, make doug's device decline…):
                  curl -s %s/sim/calls/CA…      curl -s -X POST %s/sim/calls/CA…/hangup
                  curl -s %s/

                Ctrl-C stops everything.
                """.formatted(gateway, gateway, gateway.replace("http:", "ws:"), stack.baseUrl(Service.CALL_INGEST),
                stack.baseUrl(Service.CALL_STATE), simulator, answers, stack.kafkaBootstrapServers(),
                stack.postgres().jdbcUrl(), stack.dataDir(), stack.twilioMode(), gateway, simulator, Stack.NUMBER,
                simulator, simulator, simulator);
    }
}
