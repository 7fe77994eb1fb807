package io.switchboard.state.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.switchboard.state.persistence.ProjectionStore.OutboxRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes a tenant's committed changes to {@code switchboard.state-changes} straight from the process that committed
 * them, right after the commit; the outbox row is deleted once Kafka acknowledged it. The {@link OutboxRelay} only
 * recovers what this could not publish.
 *
 * <p>Order: one process sends a tenant's changes in seq order through one idempotent producer, so Kafka keeps them in
 * that order. Another process may have committed the tenant's previous changes (replicas share the partitions, and
 * timers fire anywhere), and its sends may still be on their way; sending now could overtake them. So a process
 * publishes seq {@code n} itself only when every change before it is acknowledged by Kafka or was sent by this very
 * process: it knows the last seq it sent of each tenant, and the tenant's lock tells it the oldest change not yet
 * acknowledged. Otherwise the changes are marked for the relay, which publishes the tenant's whole backlog in seq
 * order (a change sent twice is harmless: screens drop a seq they have).
 */
@ApplicationScoped
public class ChangePublisher {
    private static final Logger LOG = Logger.getLogger(ChangePublisher.class);
    private static final long DELETE_EVERY_MILLIS = 20;

    private final AgroalDataSource dataSource;
    private final OutboxRelay relay;
    private final Timer delay;
    /** The last seq this process sent of each tenant; none after a failed send. */
    private final Map<String, Long> sentUpTo = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Published> acknowledged = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService deleter = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "outbox-deleter"));

    private record Published(String tenantId, long seq) {
    }

    public ChangePublisher(AgroalDataSource dataSource, OutboxRelay relay, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.relay = relay;
        this.delay = OutboxRelay.delayTimer(metrics);
        deleter.scheduleWithFixedDelay(this::deleteAcknowledged, DELETE_EVERY_MILLIS, DELETE_EVERY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this process may publish the tenant's next changes itself, decided under the tenant's lock.
     *
     * @param seq the tenant's seq before the changes
     * @param oldestWaiting the seq of the tenant's oldest change Kafka has not acknowledged, or null for none
     */
    public boolean mayPublish(String tenantId, long seq, Long oldestWaiting) {
        Long sent = sentUpTo.get(tenantId);
        return oldestWaiting == null || oldestWaiting > seq || (sent != null && sent == seq);
    }

    /** Sends committed changes of one tenant, in seq order, in the current trace. */
    public void publish(String tenantId, List<OutboxRow> rows, Instant committedAt) {
        Context trace = Context.current();
        AtomicBoolean failed = new AtomicBoolean();
        for (OutboxRow row : rows) {
            relay.send(tenantId, row.payload(), trace).subscribe().with(sent -> {
                        delay.record(Duration.between(committedAt, Instant.now()));
                        acknowledged.add(new Published(tenantId, row.seq()));
                    }, failure -> {
                        // The row stays; the relay publishes it, and everything after it of this tenant, in order.
                        failed.set(true);
                        sentUpTo.remove(tenantId);
                        LOG.warnf("Change %d of tenant %s not published, left to the outbox relay: %s", row.seq(),
                                tenantId, failure.getMessage());
                        relay.wake();
                    });
        }
        // Only now: a thread that sees this sends after these went to the producer (subscribing emits them).
        if (!failed.get()) {
            sentUpTo.put(tenantId, rows.get(rows.size() - 1).seq());
        }
    }

    /** Deletes what Kafka acknowledged, many rows a statement. */
    private void deleteAcknowledged() {
        List<Published> batch = new ArrayList<>();
        for (Published p = acknowledged.poll(); p != null && batch.size() < 1000; p = acknowledged.poll()) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                DELETE FROM outbox o USING unnest(?::text[], ?::bigint[]) AS done (tenant_id, seq)
                WHERE o.tenant_id = done.tenant_id AND o.seq = done.seq""")) {
            s.setArray(1, c.createArrayOf("text", batch.stream().map(Published::tenantId).toArray()));
            s.setArray(2, c.createArrayOf("bigint", batch.stream().map(Published::seq).toArray()));
            s.executeUpdate();
        } catch (Exception e) {
            // Left in the outbox, the rows are published again by the relay: harmless (screens drop a seq they have).
            LOG.warnf("Published changes not deleted from the outbox, the relay will send them again: %s",
                    e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        deleter.shutdown();
    }
}
