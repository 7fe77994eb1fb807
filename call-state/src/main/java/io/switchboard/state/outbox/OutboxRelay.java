package io.switchboard.state.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.messaging.Channels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes what {@link ChangePublisher} could not to {@code switchboard.state-changes}: the changes marked for it
 * ({@code relay}: their process could not publish them in order itself; probes) and changes a crash left behind — for
 * each such tenant its whole backlog, in seq order, at least once — then deletes what Kafka acknowledged. One relay
 * publishes at a time across all replicas (a Postgres advisory lock), so a tenant's changes can't overtake each other.
 * Woken when a commit marks changes for it or a direct send fails, and polled.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    // Any constant: the advisory lock that makes one relay the publisher.
    private static final long RELAY_LOCK = 0x5357_4254_4F42L;
    private static final Duration KAFKA_ACK_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A change not marked for the relay is published by the process that committed it; one still here after this long
     * was left by a process that died (or whose send failed, which also wakes the relay).
     */
    private static final Duration ORPHANED_AFTER = Duration.ofSeconds(3);

    private final AgroalDataSource dataSource;
    private final MutinyEmitter<String> changes;
    private final int batchSize;
    private final Duration pollInterval;
    // One thread: passes never overlap. Quarkus' scheduler can't poll faster than once a second.
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Timer delay;
    /** Rows waiting and the age of the oldest, as last measured: what an operator alerts on when the relay stalls. */
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private long measuredAtNanos;

    public OutboxRelay(AgroalDataSource dataSource,
            @Channel(Channels.STATE_CHANGES) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
            MutinyEmitter<String> changes,
            CallStateConfig config, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.changes = changes;
        this.batchSize = config.outbox().batchSize();
        this.pollInterval = config.outbox().pollInterval();
        this.delay = delayTimer(metrics);
        Gauge.builder("switchboard.state.outbox.backlog", backlog, AtomicLong::get)
                .description("Changes in the outbox not yet acknowledged by Kafka").register(metrics);
        Gauge.builder("switchboard.state.outbox.oldest.age", oldestAgeMillis, age -> age.get() / 1000.0)
                .description("Age of the oldest change waiting in the outbox").baseUnit("seconds").register(metrics);
    }

    /** From a change's commit to Kafka's acknowledgement, whoever published it. */
    static Timer delayTimer(MeterRegistry metrics) {
        return Timer.builder("switchboard.state.outbox.delay")
                .description("From a change's commit to Kafka's acknowledgement of it on the state-changes topic")
                .publishPercentileHistogram().register(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        worker.scheduleWithFixedDelay(this::wake, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a publishing pass soon; passes never overlap and requests during a pass cause one more. */
    public void wake() {
        if (scheduled.compareAndSet(false, true) && !worker.isShutdown()) {
            worker.execute(this::drain);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        worker.shutdown();
    }

    private void drain() {
        scheduled.set(false);
        try {
            while (publishBatch() == batchSize) {
                // a full batch: more may wait
            }
        } catch (Exception e) {
            // The rows stay in the outbox; the next poll tries again.
            LOG.warnf("Outbox not published yet, will retry: %s", e.getMessage());
        }
        try {
            measureBacklog(); // above all when publishing fails: that is when the backlog grows
        } catch (Exception e) {
            LOG.debugf("Outbox backlog not measured: %s", e.getMessage());
        }
    }

    /** @return how many changes were published */
    private int publishBatch() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!tryLock(c)) {
                    c.rollback();
                    return 0; // another replica is publishing
                }
                List<Long> ids = new ArrayList<>();
                List<Uni<Void>> acks = new ArrayList<>();
                List<Instant> committed = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement(
                        """
                        SELECT id, tenant_id, payload, created_at, traceparent FROM outbox
                        WHERE tenant_id IN (SELECT tenant_id FROM outbox WHERE relay OR created_at < now() - ?::interval)
                        ORDER BY id LIMIT ?""")) {
                    s.setString(1, ORPHANED_AFTER.toMillis() + " milliseconds");
                    s.setInt(2, batchSize);
                    ResultSet rs = s.executeQuery();
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        acks.add(send(rs.getString(2), rs.getString(3), rs.getString(5)));
                        committed.add(rs.getTimestamp(4).toInstant());
                    }
                }
                if (ids.isEmpty()) {
                    c.rollback();
                    return 0;
                }
                // Sent in order through one producer (idempotent, so retries keep the order); wait for all acks.
                Uni.join().all(acks).andFailFast().await().atMost(KAFKA_ACK_TIMEOUT);
                Instant acked = Instant.now();
                committed.forEach(at -> delay.record(Duration.between(at, acked)));
                try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                    s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    s.executeUpdate();
                }
                c.commit();
                return ids.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** At most once a second: every replica measures, whether it holds the relay lock or not. */
    private void measureBacklog() throws Exception {
        long now = System.nanoTime();
        if (now - measuredAtNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        measuredAtNanos = now;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)) * 1000, 0) FROM outbox")) {
            ResultSet rs = s.executeQuery();
            rs.next();
            backlog.set(rs.getLong(1));
            oldestAgeMillis.set(rs.getLong(2));
        }
    }

    private static boolean tryLock(Connection c) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            s.setLong(1, RELAY_LOCK);
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Publishes a row inside the trace it was written in: the record's {@code traceparent} continues that trace. */
    private Uni<Void> send(String tenantId, String payload, String traceparent) {
        return send(tenantId, payload, OutboxTrace.of(traceparent));
    }

    /** Sends one change (or probe) to the state-changes topic, keyed by its tenant, as part of {@code trace}. */
    Uni<Void> send(String tenantId, String payload, Context trace) {
        return changes.sendMessage(Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(tenantId).build())
                .addMetadata(TracingMetadata.withCurrent(trace)));
    }
}
