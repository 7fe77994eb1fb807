package io.switchboard.state.timer;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.switchboard.state.CallDesk;
import io.switchboard.state.TwilioActions;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.Input;
import io.switchboard.state.messaging.PresenceConsumption;
import io.switchboard.state.persistence.ConnectionStore;
import io.switchboard.state.persistence.ProjectionStore;
import io.switchboard.state.persistence.ProjectionStore.Due;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Fires the stored deadlines: claims given back, park timeouts, ring-backs widened, wrap-ups over, agents offline
 * after their grace, connections of gateways that stopped reporting, and live calls silent for
 * {@code switchboard.reconcile.after}, which are checked against Twilio's own record ({@link TwilioActions#reconcile}:
 * Twilio gives up on a webhook after 15 s at most, and a final callback lost for good would otherwise leave the call on
 * every screen, and its agent busy, forever). The deadlines live in Postgres, so they fire after a restart too; with
 * several replicas each may find the same one, and the decider turns all but the first into nothing; a silent call
 * goes to one replica.
 */
@ApplicationScoped
public class DeadlineTimers {
    private static final Logger LOG = Logger.getLogger(DeadlineTimers.class);
    private static final int BATCH = 100;

    private final AgroalDataSource dataSource;
    private final ProjectionStore store;
    private final ConnectionStore connections;
    private final CallDesk desk;
    private final Clock clock;
    private final CallStateConfig config;
    private final PresenceConsumption presence;
    private final TwilioActions twilio;
    private volatile boolean stopping;

    public DeadlineTimers(AgroalDataSource dataSource, ProjectionStore store, ConnectionStore connections,
            CallDesk desk, Clock clock, CallStateConfig config,
            @Identifier(PresenceConsumption.NAME) PresenceConsumption presence, TwilioActions twilio) {
        this.presence = presence;
        this.twilio = twilio;
        this.dataSource = dataSource;
        this.store = store;
        this.connections = connections;
        this.desk = desk;
        this.clock = clock;
        this.config = config;
    }

    /**
     * A replica shutting down fires no more deadlines: its consumers are closing, so what a deadline decides could
     * overtake inputs that have already arrived for it (an agent's answer, a caller's end) and that another replica
     * will apply. The other replicas, or this one after its restart, fire them.
     */
    void onStop(@Observes @Priority(1) ShutdownEvent event) { // before the connectors' graceful close, which takes seconds
        stopping = true;
    }

    @Scheduled(every = "${switchboard.timers.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void fire() {
        if (stopping) {
            return;
        }
        Instant now = clock.instant();
        try {
            for (Due call : due(c -> store.callsDue(c, now, BATCH))) {
                desk.handle(call.tenantId(), null, new Input.DeadlinePassed(call.id(), now), null);
            }
            for (Due agent : due(c -> store.agentsDue(c, now, BATCH))) {
                desk.reviewAgents(agent.tenantId(), c -> Set.of(agent.id()), false, now);
            }
            for (Due call : due(c -> store.callsToReconcile(c, config.reconcile().after(), BATCH))) {
                twilio.reconcile(call.tenantId(), call.id());
            }
            if (!presence.silenceMeansGone(now, config.presence().ttl())) {
                return;
            }
            Instant staleBefore = now.minus(config.presence().ttl());
            for (String tenantId : due(c -> connections.tenantsWithStaleConnections(c, staleBefore))) {
                LOG.infof("Dropping connections of tenant %s that no gateway reported since %s", tenantId, staleBefore);
                desk.reviewAgents(tenantId, c -> connections.dropStale(c, tenantId, staleBefore), true, now);
            }
        } catch (Exception e) {
            LOG.warnf("Deadlines not all handled yet, will retry: %s", e.getMessage());
        }
    }

    private interface Query<T> {
        List<T> run(Connection c) throws SQLException;
    }

    private <T> List<T> due(Query<T> query) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return query.run(c);
        }
    }
}
