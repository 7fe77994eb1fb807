package io.switchboard.stack;

import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The whole of Switchboard on one machine: PostgreSQL, Kafka, the Twilio simulator and the three services as child
 * processes ({@code java -jar …/quarkus-run.jar}), started in the order they depend on each other. Behind
 * {@code ./stack up}, and reusable by end-to-end tests (with {@link Ports#free()} and a throw-away data folder).
 * {@link #close()} stops everything it started.
 */
public final class Stack implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Stack.class.getName());
    /** The seed tenant's number ({@code seed.sql}); the simulator routes it to call-ingest. */
    public static final String NUMBER = "+15005550006";
    /** Twilio's REST API, for real-Twilio mode. */
    static final String TWILIO_API = "https://api.twilio.com";
    /**
     * How long a service may take to stop after TERM, as Kubernetes' default grace: its Kafka consumers leave their
     * groups on the way out, and killing one earlier makes the next start wait for the group's session timeout.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** The three services, in the order they start. */
    public enum Service {
        CALL_STATE("call-state"),
        CALL_INGEST("call-ingest"),
        PRESENCE_GATEWAY("presence-gateway");

        private final String module;

        Service(String module) {
            this.module = module;
        }

        /** The Maven module, also the name of its log file. */
        public String module() {
            return module;
        }

        /** The runnable jar the module's build makes. */
        public Path jar(Path repoRoot) {
            return repoRoot.resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        }
    }

    public record Ports(int gateway, int ingest, int state, int simulator, int kafka, int postgres) {
        /** The documented ports of {@code ./stack up}. */
        public static Ports defaults() {
            return new Ports(8080, 8081, 8082, 8090, 9092, 5432);
        }

        /** Six different free ports, for tests that run beside a developer's own stack. */
        public static Ports free() {
            Set<Integer> ports = new HashSet<>();
            while (ports.size() < 6) {
                ports.add(FreePort.find());
            }
            var it = ports.iterator();
            return new Ports(it.next(), it.next(), it.next(), it.next(), it.next(), it.next());
        }

        public int of(Service service) {
            return switch (service) {
                case CALL_STATE -> state;
                case CALL_INGEST -> ingest;
                case PRESENCE_GATEWAY -> gateway;
            };
        }

        Map<String, Integer> named() {
            Map<String, Integer> named = infrastructure();
            named.put("call-state", state);
            named.put("call-ingest", ingest);
            named.put("presence-gateway", gateway);
            return named;
        }

        /** The ports of what {@link #startInfrastructure} starts. */
        Map<String, Integer> infrastructure() {
            Map<String, Integer> named = new LinkedHashMap<>();
            named.put("PostgreSQL", postgres);
            named.put("Kafka", kafka);
            named.put("the Twilio simulator", simulator);
            return named;
        }
    }

    /**
     * @param repoRoot         the repository (the services' jars are found under it)
     * @param dataDir          where the database, Kafka's log, the JWT keys and the logs live; null for a
     *                         temporary folder that {@link #close()} deletes
     * @param fresh            delete {@code dataDir} first
     * @param serviceEnv       more environment variables per service (they win over the stack's own)
     * @param userEnv          the environment {@code TWILIO_*} and {@code PUBLIC_BASE_URL} overrides are read from
     *                         ({@link System#getenv()} for {@code ./stack}; tests pass an empty map)
     * @param jvmArgs          options for the services' JVMs, e.g. {@code -Xmx256m}
     * @param readinessTimeout how long each service may take to answer {@code /q/health/ready} with 200
     * @param simulator        changes to the Twilio simulator's configuration (more numbers, faults)
     * @param killableKafka    run Kafka as a child process that {@link #killKafka()} can kill, rather than in this JVM
     */
    public record Options(Path repoRoot, Path dataDir, boolean fresh, Ports ports,
            Map<Service, Map<String, String>> serviceEnv, Map<String, String> userEnv, List<String> jvmArgs,
            Duration readinessTimeout, UnaryOperator<TwilioSimulator.Config> simulator, boolean killableKafka) {

        public Options {
            serviceEnv = Map.copyOf(serviceEnv);
            userEnv = Map.copyOf(userEnv);
            jvmArgs = List.copyOf(jvmArgs);
        }

        /** The documented ports, a temporary data folder, overrides from this process's environment. */
        public static Options defaults(Path repoRoot) {
            return new Options(repoRoot, null, false, Ports.defaults(), Map.of(), System.getenv(), List.of(),
                    Duration.ofSeconds(120), UnaryOperator.identity(), false);
        }

        public Options withDataDir(Path dataDir) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withFresh(boolean fresh) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withPorts(Ports ports) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withServiceEnv(Service service, String name, String value) {
            Map<Service, Map<String, String>> more = new EnumMap<>(Service.class);
            more.putAll(serviceEnv);
            Map<String, String> forService = new LinkedHashMap<>(more.getOrDefault(service, Map.of()));
            forService.put(name, value);
            more.put(service, forService);
            return new Options(repoRoot, dataDir, fresh, ports, more, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withUserEnv(Map<String, String> userEnv) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withJvmArgs(List<String> jvmArgs) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withReadinessTimeout(Duration readinessTimeout) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withSimulator(UnaryOperator<TwilioSimulator.Config> simulator) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }

        public Options withKillableKafka(boolean killableKafka) {
            return new Options(repoRoot, dataDir, fresh, ports, serviceEnv, userEnv, jvmArgs, readinessTimeout, simulator,
                    killableKafka);
        }
    }

    /** Startup failed; the message says what happened and what to do. */
    public static final class StackException extends RuntimeException {
        StackException(String message) {
            super(message);
        }

        StackException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What the services use to reach Twilio: the simulator's values unless the user's environment names a real
     * account ({@code TWILIO_ACCOUNT_SID}, {@code TWILIO_AUTH_TOKEN} or {@code TWILIO_API_BASE_URL});
     * {@code PUBLIC_BASE_URL} from the environment wins in either mode.
     *
     * @param fromUser the variables taken from the user's environment
     */
    record TwilioSettings(boolean real, String accountSid, String authToken, String apiBaseUrl, String publicBaseUrl,
            List<String> fromUser) {

        static TwilioSettings resolve(Map<String, String> userEnv, String simulatorUrl, String simulatorAccountSid,
                String simulatorAuthToken, String ingestUrl) {
            List<String> fromUser = Stream.of("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL",
                    "PUBLIC_BASE_URL").filter(name -> set(userEnv, name)).toList();
            boolean real = fromUser.stream().anyMatch(name -> name.startsWith("TWILIO_"));
            return new TwilioSettings(real,
                    or(userEnv, "TWILIO_ACCOUNT_SID", simulatorAccountSid),
                    or(userEnv, "TWILIO_AUTH_TOKEN", simulatorAuthToken),
                    or(userEnv, "TWILIO_API_BASE_URL", real ? TWILIO_API : simulatorUrl),
                    or(userEnv, "PUBLIC_BASE_URL", ingestUrl),
                    fromUser);
        }

        private static boolean set(Map<String, String> env, String name) {
            return env.get(name) != null && !env.get(name).isBlank();
        }

        private static String or(Map<String, String> env, String name, String fallback) {
            return set(env, name) ? env.get(name).strip() : fallback;
        }

        /** One line for people, without the token. */
        String describe(String simulatorUrl) {
            if (!real) {
                return "Twilio: the simulator at " + simulatorUrl + " (account " + accountSid + ")"
                        + (fromUser.isEmpty() ? "" : "; from your environment: " + String.join(", ", fromUser));
            }
            return "Twilio: REAL Twilio, account " + accountSid + ", API " + apiBaseUrl + " (from your environment: "
                    + String.join(", ", fromUser) + "). The simulator still runs at " + simulatorUrl
                    + ", but the services do not talk to it."
                    + (fromUser.contains("PUBLIC_BASE_URL") ? "" : " PUBLIC_BASE_URL is not set, so Twilio cannot "
                            + "reach call-ingest on localhost: expose it (e.g. with a tunnel) and set PUBLIC_BASE_URL "
                            + "to its public URL.");
        }
    }

    private final Options options;
    private final boolean infrastructureOnly;
    private final Path dataDir;
    private final boolean temporaryData;
    private final Map<Service, Process> processes = new EnumMap<>(Service.class);
    private final Set<Service> stopping = java.util.EnumSet.noneOf(Service.class);
    private final List<GatewayReplica> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // Set while starting, read by close(), which may run on a shutdown hook's thread.
    private volatile LocalPostgres postgres;
    private volatile LocalKafka kafka;
    private volatile TwilioSimulator simulator;
    private volatile DevKeys keys;
    private volatile TwilioSettings twilio;
    private boolean closed;
    private final Thread shutdownHook = new Thread(this::close, "stack-shutdown");

    private Stack(Options options, boolean infrastructureOnly, Path dataDir, boolean temporaryData) {
        this.options = options;
        this.infrastructureOnly = infrastructureOnly;
        this.dataDir = dataDir;
        this.temporaryData = temporaryData;
        // Ctrl-C or the end of a test JVM must not leave the services running, even halfway through start().
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts everything and returns when the three services are ready.
     *
     * @throws StackException when a jar is missing, a port is taken or a service does not get ready (the message
     *                        names its log file); whatever had started is stopped again
     */
    public static Stack start(Options options) {
        checkJars(options.repoRoot());
        return start(options, false);
    }

    /**
     * Starts PostgreSQL (with the schema migrated and the seed tenant in it, as call-state and the seed would leave
     * it), Kafka and the Twilio simulator, and none of the services: for services run by hand, such as
     * {@code ./mvnw quarkus:dev -pl call-state}, with {@link #devEnvironment()}. Returns when they serve.
     *
     * @throws StackException when a port is taken; whatever had started is stopped again
     */
    public static Stack startInfrastructure(Options options) {
        return start(options, true);
    }

    private static Stack start(Options options, boolean infrastructureOnly) {
        checkPortsFree(infrastructureOnly ? options.ports().infrastructure() : options.ports().named(),
                options.dataDir());
        Stack stack;
        try {
            stack = options.dataDir() == null
                    ? new Stack(options, infrastructureOnly, Files.createTempDirectory("switchboard-stack"), true)
                    : new Stack(options, infrastructureOnly, prepare(options.dataDir(), options.fresh()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the stack's data folder", e);
        }
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        Ports ports = options.ports();
        Instant began = Instant.now();
        LocalPostgres postgres = LocalPostgres.start(ports.postgres(), dataDir.resolve("postgres"), false);
        keep(postgres, () -> this.postgres = postgres);
        // Each service's own login, before call-state, which connects with its own while it migrates as the owner.
        postgres.createLogins();
        LOG.log(System.Logger.Level.INFO, "PostgreSQL on localhost:{0,number,#} (database {1})", postgres.port(),
                LocalPostgres.DATABASE);
        LocalKafka kafka = options.killableKafka()
                ? LocalKafka.startProcess(ports.kafka(), dataDir.resolve("kafka"), dataDir.resolve("logs/kafka.log"))
                : startKafka(ports.kafka(), dataDir.resolve("kafka"));
        keep(kafka, () -> this.kafka = kafka);
        LOG.log(System.Logger.Level.INFO, "Kafka on {0}", kafka.bootstrapServers());

        String ingest = "http://localhost:" + ports.ingest();
        String publicBaseUrl = TwilioSettings.or(options.userEnv(), "PUBLIC_BASE_URL", ingest);
        TwilioSimulator simulator = TwilioSimulator.start(options.simulator().apply(TwilioSimulator.Config.defaults()
                .withPort(ports.simulator())
                .withNumber(NUMBER, callIngestNumber(publicBaseUrl))));
        keep(simulator, () -> this.simulator = simulator);
        twilio = TwilioSettings.resolve(options.userEnv(), simulator.baseUrl(), simulator.accountSid(),
                simulator.authToken(), ingest);
        LOG.log(System.Logger.Level.INFO, twilio.describe(simulator.baseUrl()));
        keys = DevKeys.in(dataDir.resolve("keys"));
        if (infrastructureOnly) {
            // No call-state to migrate the schema: the same migrations, from the contract, before the seed. A
            // call-state started later finds them applied.
            postgres.migrate().seed();
            LOG.log(System.Logger.Level.INFO, "Kafka, PostgreSQL and the Twilio simulator are up in {0} s (data in "
                    + "{1})", Duration.between(began, Instant.now()).toSeconds(), dataDir);
            return;
        }

        // call-state applies the schema migrations at start-up; the seed needs the schema.
        launch(Service.CALL_STATE);
        awaitReady(Service.CALL_STATE);
        postgres.seed();
        launch(Service.CALL_INGEST);
        launch(Service.PRESENCE_GATEWAY);
        awaitReady(Service.CALL_INGEST);
        awaitReady(Service.PRESENCE_GATEWAY);
        LOG.log(System.Logger.Level.INFO, "The stack is up in {0} s (data in {1})",
                Duration.between(began, Instant.now()).toSeconds(), dataDir);
    }

    /** Hands a started piece to the stack, unless the stack was closed meanwhile: then the piece is stopped. */
    private void keep(AutoCloseable piece, Runnable assign) {
        synchronized (this) {
            if (!closed) {
                assign.run();
                return;
            }
        }
        try {
            piece.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Stopping " + piece + " failed: " + e, e);
        }
        throw new StackException("The stack was stopped while it started");
    }

    /**
     * EmbeddedKafkaBroker formats log folders with "ignore formatted", and LocalKafka's fixed cluster id matches
     * the one a kept folder was formatted with, so a kept log normally starts again (LocalInfraTest proves it). A
     * folder that still does not start (written by another Kafka version, damaged by a crash) is replaced by an
     * empty one rather than blocking {@code ./stack up}: the projection in PostgreSQL survives, and Kafka's topics
     * only carry events in flight.
     */
    private static LocalKafka startKafka(int port, Path dir) {
        try {
            return LocalKafka.start(port, dir);
        } catch (RuntimeException e) {
            if (!hasFiles(dir)) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "Kafka did not start from its kept log in {0} ({1}); starting it "
                    + "with an empty log instead", dir, e.toString());
            deleteRecursively(dir);
            return LocalKafka.start(port, dir);
        }
    }

    // ---- the services -------------------------------------------------------------------------------------------

    private synchronized void launch(Service service) {
        if (closed) {
            throw new StackException("The stack was stopped while it started");
        }
        try {
            Process process = spawn(service, service.module(), Map.of());
            processes.put(service, process);
            stopping.remove(service);
            process.onExit().thenAccept(exited -> reportExit(service, exited));
            LOG.log(System.Logger.Level.INFO, "{0} starting on port {1,number,#} (pid {2,number,#}, log {3})",
                    service.module(), options.ports().of(service), process.pid(), logFile(service));
        } catch (IOException e) {
            throw new StackException("Could not start " + service.module() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code service}'s jar as {@code name} (its log and working folder are named so) with the stack's JVM
     * options and environment, and {@code extraEnv} on top.
     */
    private Process spawn(Service service, String name, Map<String, String> extraEnv) throws IOException {
        Path log = logFile(name);
        Path workDir = dataDir.resolve("work").resolve(name);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmArgs());
        command.add("-jar");
        command.add(service.jar(options.repoRoot()).toAbsolutePath().toString());
        // An empty working folder: Quarkus reads .env and config/ from it, and nothing of the developer's should
        // leak into the stack.
        Files.createDirectories(workDir);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "=== " + name + " starting at " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("QUARKUS_PROFILE"); // the services run as in production
        builder.environment().putAll(environment(service));
        builder.environment().putAll(extraEnv);
        return builder.start();
    }

    /**
     * Starts the presence-gateway replica {@code gatewayId} on {@code port}; returns when it is ready. Called by
     * {@link GatewayReplica}, which the stack stops with itself.
     */
    Process startReplica(GatewayReplica replica, String gatewayId, int port) {
        Process process;
        synchronized (this) {
            if (closed) {
                throw new StackException("The stack is stopped");
            }
            replicas.add(replica);
            try {
                process = spawn(Service.PRESENCE_GATEWAY, Service.PRESENCE_GATEWAY.module() + "-" + gatewayId,
                        Map.of("QUARKUS_HTTP_PORT", Integer.toString(port), "SWITCHBOARD_GATEWAY_ID", gatewayId));
            } catch (IOException e) {
                throw new StackException("Could not start the gateway replica " + gatewayId + ": " + e.getMessage(),
                        e);
            }
        }
        awaitReady("the gateway replica " + gatewayId, process, "http://localhost:" + port,
                logFile(Service.PRESENCE_GATEWAY.module() + "-" + gatewayId));
        return process;
    }

    private synchronized void reportExit(Service service, Process exited) {
        if (!closed && !stopping.contains(service) && processes.get(service) == exited) {
            LOG.log(System.Logger.Level.WARNING, "{0} exited by itself (code {1}); see {2}", service.module(),
                    exited.exitValue(), logFile(service));
        }
    }

    /**
     * A number's webhooks as docs/operations.md tells an operator to set them in Twilio: call-ingest's Voice URL, the
     * same URL again as the fallback (a second round of attempts once the first gave up), and its status callback, each
     * with its connection overrides.
     */
    public static TwilioSimulator.Number callIngestNumber(String callIngestUrl) {
        String incoming = VoiceWebhooks.url(callIngestUrl, VoiceWebhooks.INCOMING, "");
        String status = VoiceWebhooks.url(callIngestUrl, VoiceWebhooks.STATUS, "");
        return new TwilioSimulator.Number(incoming, incoming, status);
    }

    /** The environment the stack gives {@code service}, on top of this process's own. */
    public Map<String, String> environment(Service service) {
        return environment(service, options.ports(), keys, twilio, options.serviceEnv().getOrDefault(service, Map.of()));
    }

    static Map<String, String> environment(Service service, Ports ports, DevKeys keys, TwilioSettings twilio,
            Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(ports.of(service)));
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ports.kafka());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + ports.postgres() + "/"
                + LocalPostgres.DATABASE);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + ports.postgres() + "/"
                + LocalPostgres.DATABASE);
        // Each service's own login, with only the rights migration V16 gives it; the owner only migrates. The password
        // is never asked for (trust authentication).
        env.put("QUARKUS_DATASOURCE_USERNAME", DatabaseLogin.of(service).user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", DatabaseLogin.PASSWORD);
        if (service == Service.CALL_STATE) {
            env.put("QUARKUS_FLYWAY_USERNAME", LocalPostgres.USER);
            env.put("QUARKUS_FLYWAY_PASSWORD", PostgresServer.passwordSetting(LocalPostgres.PASSWORD));
        }
        // call-state's REST calls, call-ingest's signatures, the gateway's voicemail playback (its recordings).
        env.put("TWILIO_ACCOUNT_SID", twilio.accountSid());
        env.put("TWILIO_AUTH_TOKEN", twilio.authToken());
        env.put("TWILIO_API_BASE_URL", twilio.apiBaseUrl());
        env.put("PUBLIC_BASE_URL", twilio.publicBaseUrl());
        // Each service's HTTP API to try out in a browser, at /q/swagger-ui.
        env.put("QUARKUS_SWAGGER_UI_ENABLE", "true");
        if (service == Service.PRESENCE_GATEWAY) {
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.publicKeyPem().toAbsolutePath().toUri().toString());
            env.put("SMALLRYE_JWT_SIGN_KEY_LOCATION", keys.privateKeyPem().toAbsolutePath().toUri().toString());
            env.put("SWITCHBOARD_DEV_TOKENS_ENABLED", "true");
            if (!twilio.real()) {
                // The console's "simulate" panel reaches the simulator through the gateway; not on real Twilio.
                env.put("SWITCHBOARD_DEV_SIMULATOR_URL", twilio.apiBaseUrl());
                // No softphone against the simulator, even with an API key in the user's environment: its browser
                // SDK would talk to Twilio's cloud about an account that is not there.
                env.put("TWILIO_API_KEY_SID", "");
                env.put("TWILIO_API_KEY_SECRET", "");
            }
        }
        env.putAll(extra);
        return env;
    }

    /**
     * What any of the three services needs to run against this stack outside it, as {@code ./mvnw quarkus:dev} does:
     * what the stack gives each of them, without the HTTP port (each service's own default is the stack's), and with
     * Quarkus' Dev Services off, which would otherwise try to start containers.
     */
    public Map<String, String> devEnvironment() {
        return devEnvironment(options.ports(), keys, twilio);
    }

    static Map<String, String> devEnvironment(Ports ports, DevKeys keys, TwilioSettings twilio) {
        Map<String, String> env = new java.util.TreeMap<>();
        for (Service service : Service.values()) {
            env.putAll(environment(service, ports, keys, twilio, Map.of()));
        }
        env.remove("QUARKUS_HTTP_PORT");
        // Each service's application.properties names its own login; one variable here would give all three the same.
        env.remove("QUARKUS_DATASOURCE_USERNAME");
        env.put("QUARKUS_DEVSERVICES_ENABLED", "false");
        return env;
    }

    private void awaitReady(Service service) {
        awaitReady(service.module(), processes.get(service), baseUrl(service), logFile(service));
    }

    private void awaitReady(String name, Process process, String baseUrl, Path log) {
        URI ready = URI.create(baseUrl + "/q/health/ready");
        Instant deadline = Instant.now().plus(options.readinessTimeout());
        while (!isReady(ready)) {
            if (!process.isAlive()) {
                throw new StackException(name + " stopped (exit code " + process.exitValue()
                        + ") before it was ready. Its log is " + log + "; it ends with:\n" + tail(log, 30));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StackException(name + " was not ready within " + options.readinessTimeout().toSeconds()
                        + " s (GET " + ready + " never answered 200). Its log is " + log + "; it ends with:\n"
                        + tail(log, 30));
            }
            try {
                process.waitFor(250, TimeUnit.MILLISECONDS); // also notices at once when the process exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted while waiting for " + name);
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} is ready at {1}", name, baseUrl);
    }

    private boolean isReady(URI ready) {
        try {
            HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops {@code service} and starts it again from the same jar; returns when it is ready. */
    public void restart(Service service) {
        stop(service);
        start(service);
    }

    /** Stops {@code service} (TERM, as Kubernetes would); the rest of the stack keeps running. */
    public void stop(Service service) {
        synchronized (this) {
            stopping.add(service);
        }
        stopAll(List.of(processes.get(service)));
    }

    /** Starts a stopped {@code service} again from the same jar; returns when it is ready. */
    public void start(Service service) {
        launch(service);
        awaitReady(service);
    }

    /**
     * Kills {@code service} as a crash would ({@code kill -9}): no shutdown hooks, no goodbye to Kafka's group, no
     * answer to requests in flight. Returns once it is gone; {@link #start(Service)} brings it back.
     */
    public void kill(Service service) {
        Process process;
        synchronized (this) {
            stopping.add(service);
            process = processes.get(service);
        }
        if (process != null) {
            try {
                process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted while killing " + service.module());
            }
        }
    }

    /** Kills Kafka's broker process ({@code kill -9}); needs {@link Options#withKillableKafka}. */
    public void killKafka() {
        kafka.kill();
    }

    /** Starts a killed broker again on the same port and log folder; returns when it serves clients. */
    public void startKafka() {
        kafka.start();
    }

    /** Kills PostgreSQL ({@code kill -9} of the postmaster and its backends); its data folder stays. */
    public void killPostgres() {
        postgres.kill();
    }

    /** Starts a killed PostgreSQL again on the same port and data folder: it recovers from its write-ahead log. */
    public void startPostgres() {
        postgres.start();
    }

    // ---- handles ------------------------------------------------------------------------------------------------

    public TwilioSimulator simulator() {
        return simulator;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    /** {@code localhost:PORT}. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code http://localhost:PORT} of the service. */
    public String baseUrl(Service service) {
        return "http://localhost:" + options.ports().of(service);
    }

    public synchronized Process process(Service service) {
        return processes.get(service);
    }

    public Path logFile(Service service) {
        return logFile(service.module());
    }

    private Path logFile(String name) {
        return dataDir.resolve("logs").resolve(name + ".log");
    }

    public Path dataDir() {
        return dataDir;
    }

    public DevKeys keys() {
        return keys;
    }

    public Ports ports() {
        return options.ports();
    }

    /** True when the services talk to real Twilio (credentials from the user's environment), not the simulator. */
    public boolean realTwilio() {
        return twilio.real();
    }

    /** One line for people: which Twilio the services talk to. */
    public String twilioMode() {
        return twilio.describe(simulator.baseUrl());
    }

    // ---- stopping -----------------------------------------------------------------------------------------------

    /** Stops the services, then the simulator, Kafka and PostgreSQL; a temporary data folder is deleted. */
    @Override
    public void close() {
        List<Process> running;
        List<GatewayReplica> extraGateways;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down already
                }
            }
            List<Service> reversed = new ArrayList<>(processes.keySet());
            reversed.sort(Comparator.reverseOrder());
            running = reversed.stream().map(processes::get).toList();
            extraGateways = List.copyOf(replicas);
        }
        extraGateways.forEach(replica -> quietly("a gateway replica", replica::close));
        quietly("the services", () -> stopAll(running));
        if (simulator != null) {
            quietly("the Twilio simulator", simulator::close);
        }
        if (kafka != null) {
            quietly("Kafka", kafka::close);
        }
        if (postgres != null) {
            quietly("PostgreSQL", postgres::close);
        }
        if (temporaryData) {
            quietly("the temporary data folder", () -> deleteRecursively(dataDir));
        }
        LOG.log(System.Logger.Level.INFO, "The stack is stopped");
    }

    /** SIGTERM to all (Quarkus shuts down gracefully), then SIGKILL to whatever is still there after the grace. */
    private static void stopAll(List<Process> processes) {
        List<ProcessHandle> family = new ArrayList<>();
        for (Process process : processes) {
            if (process != null) {
                process.descendants().forEach(family::add);
                family.add(process.toHandle());
                process.destroy();
            }
        }
        Instant deadline = Instant.now().plus(STOP_GRACE);
        for (ProcessHandle handle : family) {
            try {
                handle.onExit().get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "pid {0,number,#} did not stop within {1} s; killing it",
                        handle.pid(), STOP_GRACE.toSeconds());
                handle.destroyForcibly();
            }
        }
    }

    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Stopping " + what + " failed: " + e, e);
        }
    }

    // ---- checks and files ---------------------------------------------------------------------------------------

    static void checkJars(Path repoRoot) {
        List<String> missing = Stream.of(Service.values())
                .map(s -> s.jar(repoRoot))
                .filter(jar -> !Files.isRegularFile(jar))
                .map(jar -> repoRoot.toAbsolutePath().relativize(jar.toAbsolutePath()).toString())
                .toList();
        if (!missing.isEmpty()) {
            throw new StackException("Cannot start the stack: " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing. Build the services first: mvn -B "
                    + "-DskipTests install in " + repoRoot.toAbsolutePath() + " (./stack up does it for you).");
        }
    }

    private static void checkPortsFree(Map<String, Integer> ports, Path dataDir) {
        List<String> taken = new ArrayList<>();
        ports.forEach((name, port) -> {
            try (ServerSocket socket = new ServerSocket(port)) {
                // free
            } catch (IOException e) {
                taken.add(port + " (" + name + ")");
            }
        });
        if (!taken.isEmpty()) {
            String hint = dataDir != null && Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid"))
                    ? " A PostgreSQL left over from an earlier run may still hold its port; its pid is the first line "
                            + "of " + dataDir.resolve("postgres").resolve("postmaster.pid") + "."
                    : "";
            throw new StackException("Cannot start the stack: port " + String.join(", ", taken)
                    + " is in use. Is another stack running? Stop it, or free the port." + hint);
        }
    }

    private static Path prepare(Path dataDir, boolean fresh) throws IOException {
        if (fresh && Files.exists(dataDir)) {
            if (Files.exists(dataDir.resolve("pom.xml")) || Files.exists(dataDir.resolve(".git"))) {
                throw new StackException("Refusing to delete " + dataDir + " for --fresh: it looks like a project, "
                        + "not a stack's data folder");
            }
            deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        return dataDir;
    }

    private static boolean hasFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read it: " + e.getMessage() + ")";
        }
    }
}
