package io.switchboard.stack;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * A real Apache Kafka broker (KRaft, one node) from Kafka's own Maven artifacts, running in this JVM.
 * With a data folder its log survives a restart (the local stack); without one it starts empty and
 * removes its log on close (tests).
 */
public final class LocalKafka implements AutoCloseable {
    // A fixed cluster id lets a kept log folder be started again.
    private static final String CLUSTER_ID = "c3dpdGNoYm9hcmQtbG9jYQ";

    private final int port;
    private final Path dataDir;
    private EmbeddedKafkaBroker broker;

    private LocalKafka(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** @param port 0 for any free port; @param dataDir null for a throw-away log */
    public static LocalKafka start(int port, Path dataDir) {
        LocalKafka kafka = new LocalKafka(port == 0 ? FreePort.find() : port, dataDir);
        kafka.startBroker();
        return kafka;
    }

    private void startBroker() {
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
                    p.put("num.partitions", "4");
                    p.put("group.initial.rebalance.delay.ms", "0");
                    p.put("offsets.topic.replication.factor", "1");
                    p.put("transaction.state.log.replication.factor", "1");
                    p.put("transaction.state.log.min.isr", "1");
                })
                .start();
    }

    /** host:port, ready for {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public boolean isRunning() {
        return broker != null && broker.isRunning();
    }

    /** Stops the broker, keeping its port, so a test can see how clients behave without Kafka. */
    public synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
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
