package io.switchboard.state.wallboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.Wallboard;
import io.switchboard.state.core.WallboardFigures;
import io.switchboard.state.outbox.ChangePublisher;
import io.switchboard.state.outbox.OutboxRelay;
import io.switchboard.state.persistence.ProjectionStore;
import io.switchboard.state.persistence.ProjectionStore.OutboxRow;
import io.switchboard.state.persistence.RoundTrip;
import io.switchboard.state.persistence.UnknownTenantException;
import io.switchboard.state.persistence.WallboardStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The supervisors' wallboard: a tenant's live figures, computed anew after its picture changed and published in its
 * ordered stream as a {@code wallboard} change (docs/protocol.md, "The wallboard").
 *
 * <p>A committed transaction with changes marks its tenant ({@link #mark}); every
 * {@code switchboard.wallboard.interval} the marked tenants' figures are computed, each in a transaction of its own
 * under the tenant's lock, so a burst of changes makes one wallboard change and a decision never waits for the
 * aggregates. Every {@code switchboard.wallboard.refresh} the tenants with an agent online are marked too: a new day in
 * the tenant's zone restarts the day's figures without any call. Figures that differ from the stored ones only by
 * their time are not published.
 *
 * <p>Under the lock the figures are exact as of the seq they take: a recomputation from the history and the live
 * calls at that seq gives the same. With several replicas, each computes for the tenants it committed for; the lock
 * orders them, and the second finds nothing new to publish.
 */
@ApplicationScoped
public class Wallboards {
    private static final Logger LOG = Logger.getLogger(Wallboards.class);

    private final Set<String> marked = ConcurrentHashMap.newKeySet();
    private final Set<String> unreadableZones = ConcurrentHashMap.newKeySet();
    private final AgroalDataSource dataSource;
    private final WallboardStore store;
    private final ProjectionStore projection;
    private final ChangePublisher publisher;
    private final OutboxRelay relay;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile boolean stopping;

    public Wallboards(AgroalDataSource dataSource, WallboardStore store, ProjectionStore projection,
            ChangePublisher publisher, OutboxRelay relay, ObjectMapper json, Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.projection = projection;
        this.publisher = publisher;
        this.relay = relay;
        this.json = json;
        this.clock = clock;
    }

    /** The tenant's picture changed: its figures are computed at the next interval. */
    public void mark(String tenantId) {
        marked.add(tenantId);
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${switchboard.wallboard.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void computeMarked() {
        if (stopping || marked.isEmpty()) {
            return;
        }
        List<String> due = new ArrayList<>(marked);
        marked.removeAll(due);
        for (String tenantId : due) {
            try {
                compute(tenantId);
            } catch (UnknownTenantException e) {
                LOG.warnf("No wallboard for tenant %s: there is no such tenant (any more)", tenantId);
            } catch (Exception e) {
                marked.add(tenantId); // tried again at the next interval
                LOG.warnf("Wallboard of tenant %s not computed, will retry: %s", tenantId, e.getMessage());
            }
        }
    }

    @Scheduled(every = "${switchboard.wallboard.refresh:60s}", delayed = "${switchboard.wallboard.refresh:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void markTenantsOnline() {
        if (stopping) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT tenant_id FROM voip_users WHERE presence = 'online' AND active")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    marked.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            LOG.warnf("Tenants with agents online not read for the wallboard refresh: %s", e.getMessage());
        }
    }

    /**
     * Computes the tenant's figures under its lock and, when they differ from its latest, stores and publishes them
     * as the tenant's next change.
     *
     * @return the change published, empty when nothing but the time changed
     */
    public Optional<StateChange.WallboardChanged> compute(String tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            OutboxRow row;
            StateChange.WallboardChanged change;
            boolean publishHere;
            try {
                Instant now = clock.instant();
                WallboardFigures.Day day = WallboardFigures.dayOf(now, zone(tenantId, store.timeZone(c, tenantId)));
                WallboardStore.Reading reading = store.read(c, tenantId, day);
                Wallboard figures = WallboardFigures.of(day, now, reading.callsWaiting(), reading.waitingSince(),
                        reading.totals(), reading.serviceLevelSeconds(), reading.agents(), reading.days());
                if (figures.sameFiguresAs(latest(tenantId, reading.latest()))) {
                    c.rollback();
                    return Optional.empty();
                }
                long seq = reading.lock().seq() + 1;
                publishHere = publisher.mayPublish(tenantId, reading.lock().seq(),
                        reading.lock().oldestUnpublished());
                change = new StateChange.WallboardChanged(tenantId, seq, figures);
                row = new OutboxRow(seq, json.writeValueAsString(change));
                RoundTrip writes = new RoundTrip();
                store.save(writes, tenantId, seq, json.writeValueAsString(figures));
                projection.appendChanges(writes, tenantId, List.of(row), !publishHere);
                writes.send(c);
                c.commit();
            } catch (JsonProcessingException e) {
                c.rollback();
                throw new IllegalStateException("Wallboard of tenant " + tenantId + " not written", e);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            if (publishHere) {
                publisher.publish(tenantId, List.of(row), Instant.now());
            } else {
                relay.wake();
            }
            return Optional.of(change);
        }
    }

    /** The tenant's latest figures as stored; null before the first, or when they cannot be read (then replaced). */
    private Wallboard latest(String tenantId, WallboardStore.Latest latest) {
        if (latest == null) {
            return null;
        }
        try {
            return json.readValue(latest.figures(), Wallboard.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("The stored wallboard of tenant %s cannot be read (%s); it is replaced", tenantId,
                    e.getOriginalMessage());
            return null;
        }
    }

    /** The tenant's zone; one PostgreSQL holds that Java cannot read counts in UTC, and is logged once. */
    private ZoneId zone(String tenantId, String name) {
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            if (unreadableZones.add(tenantId + "/" + name)) {
                LOG.warnf("Tenant %s has a time zone Java cannot read (%s); its wallboard counts days in UTC",
                        tenantId, name);
            }
            return ZoneOffset.UTC;
        }
    }
}
