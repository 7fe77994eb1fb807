package io.switchboard.stack;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker (KRaft, one node) from Kafka's own Maven artifacts. With a data folder its log
 * survives a restart (the local stack); without one it starts empty and removes its log on close (tests).
 *
 * <p>It runs in this JVM ({@link #start}), which starts fastest, or as a child JVM ({@link #startProcess}: Kafka's
 * own {@code kafka.Kafka} main from the same jars), which can be killed like a crashing broker ({@link #kill}) — a
 * thread of this JVM cannot be {@code kill -9}ed.
 */
public final class LocalKafka implements KafkaServer {
    // A fixed cluster id lets a kept log folder be started again.
    private static final String CLUSTER_ID = "c3dpdGNoYm9hcmQtbG9jYQ";
    private static final Duration PROCESS_START_TIMEOUT = Duration.ofSeconds(90);

    private final int port;
    private final Path dataDir;
    /** The child process's log; null in this JVM. */
    private final Path processLog;
    private final int controllerPort = FreePort.find();
    private EmbeddedKafkaBroker broker;
    private Process process;

    private LocalKafka(int port, Path dataDir, Path processLog) {
        this.port = port;
        this.dataDir = dataDir;
        this.processLog = processLog;
    }

    /** @param port 0 for any free port; @param dataDir null for a throw-away log */
    public static LocalKafka start(int port, Path dataDir) {
        LocalKafka kafka = new LocalKafka(port == 0 ? FreePort.find() : port, dataDir, null);
        kafka.startBroker();
        return kafka;
    }

    /**
     * A broker in a child JVM, on this JVM's class path (which must hold {@code kafka_2.13}), logging to
     * {@code log}; {@code dataDir} is formatted on the first start and kept.
     */
    public static LocalKafka startProcess(int port, Path dataDir, Path log) {
        LocalKafka kafka = new LocalKafka(port == 0 ? FreePort.find() : port, dataDir, log);
        kafka.startBroker();
        return kafka;
    }

    private void startBroker() {
        if (processLog != null) {
            startChild();
            return;
        }
        broker = new EmbeddedKafkaBroker()
                .withKafkaPort(port)
                .withControllerPort(FreePort.find())
                .withClusterId(CLUSTER_ID)
                .withDeleteLogDirsOnClose(dataDir == null)
                .withAdditionalProperties(p -> {
                    if (dataDir != null) {
                        // log.dir too: without it the broker wrapper makes (and leaves behind) a temporary one.
                        p.put("log.dir", dataDir.toAbsolutePath().toString());
                        p.put("log.dirs", dataDir.toAbsolutePath().toString());
                        // The wrapper turns controlled shutdown off; then the kept metadata log still holds the
                        // broker's last session, and a restart waits out broker.session.timeout.ms (9 s) first.
                        p.put("controlled.shutdown.enable", "true");
                    }
                    common(p);
                })
                .start();
    }

    private static void common(Properties p) {
        p.put("num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
    }

    // ---- the child process --------------------------------------------------------------------------------------

    private void startChild() {
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(processLog.getParent());
            Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            // The controller's port is part of the formatted metadata (--standalone): it stays across restarts.
            p.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
            p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", dataDir.toAbsolutePath().toString());
            common(p);
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(out, "A one-node KRaft broker of the local stack");
            }
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                Process format = java("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c", config.toString(),
                        "--standalone");
                if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    format.destroyForcibly();
                    throw new IllegalStateException("Formatting Kafka's log folder failed; see " + processLog);
                }
            }
            process = java("kafka.Kafka", config.toString());
            awaitBroker();
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while Kafka started", e);
        }
    }

    private Process java(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A local one-node broker carries little: C1 alone and the serial collector start it sooner.
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        Files.writeString(processLog, "=== " + mainClass + " at " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(processLog.toFile())).start();
    }

    /** Ready when the broker answers a client: it has joined its own quorum and serves metadata. */
    private void awaitBroker() throws InterruptedException {
        Instant deadline = Instant.now().plus(PROCESS_START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited (code " + process.exitValue() + ") while starting; see "
                        + processLog);
            }
            if (listening()) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000))) {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    // not serving yet
                }
            }
            process.waitFor(250, TimeUnit.MILLISECONDS); // polling a process that reports readiness nowhere else
        }
        throw new IllegalStateException("Kafka did not get ready within " + PROCESS_START_TIMEOUT.toSeconds()
                + " s; see " + processLog);
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- handles ------------------------------------------------------------------------------------------------

    @Override
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public boolean isRunning() {
        return processLog != null ? process != null && process.isAlive() : broker != null && broker.isRunning();
    }

    /** Whether {@link #kill} can crash this broker: it runs as a child process. */
    public boolean killable() {
        return processLog != null;
    }

    /** Stops the broker, keeping its port, so a test can see how clients behave without Kafka. */
    public synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    /** SIGKILL, as a crashing broker dies: no controlled shutdown, no flush. Only for {@link #startProcess}. */
    public synchronized void kill() {
        if (!killable()) {
            throw new IllegalStateException("A broker in this JVM cannot be killed; start it with startProcess");
        }
        if (process != null) {
            try {
                process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts a stopped or killed broker again on the same port and log. */
    public synchronized void start() {
        if (!isRunning()) {
            startBroker();
        }
    }

    /** Starts the broker again on the same port (with an empty log unless it has a data folder). */
    public synchronized void restart() {
        stop();
        startBroker();
    }

    @Override
    public void close() {
        stop();
    }
}
