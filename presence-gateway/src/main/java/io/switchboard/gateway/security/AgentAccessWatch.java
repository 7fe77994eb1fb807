package io.switchboard.gateway.security;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.domain.CloseCause;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.session.AgentSession;
import io.switchboard.gateway.session.Sessions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Closes the connections of agents the tenant deactivated (or removed) since they connected (4403). Every recheck
 * interval, one query per tenant with connections here asks which of its connected agents are still active.
 *
 * <p>When Postgres cannot answer, connections stay open (logged and counted): an outage of the database must not
 * take every agent off the floor, and the next recheck tries again.
 */
@ApplicationScoped
public class AgentAccessWatch {
    private static final Logger LOG = Logger.getLogger(AgentAccessWatch.class);

    private final Sessions sessions;
    private final AgentDirectory directory;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final long intervalMillis;
    private final AtomicBoolean checking = new AtomicBoolean();
    private long timer = -1;

    public AgentAccessWatch(Sessions sessions, AgentDirectory directory, GatewayMetrics metrics, Vertx vertx,
            GatewayConfig config) {
        this.sessions = sessions;
        this.directory = directory;
        this.metrics = metrics;
        this.vertx = vertx;
        this.intervalMillis = config.authorization().recheckInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> recheck());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void recheck() {
        // A slow database must not pile up rechecks.
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        Multi.createFrom().iterable(sessions.openByTenant().entrySet())
                .onItem().transformToUniAndConcatenate(tenant -> recheck(tenant.getKey(), tenant.getValue()))
                .collect().last()
                .subscribe().with(done -> checking.set(false), failure -> {
                    checking.set(false);
                    LOG.warnf("Agent recheck stopped: %s", failure.getMessage());
                });
    }

    private Uni<Void> recheck(String tenantId, List<AgentSession> connected) {
        Set<String> agents = connected.stream().map(session -> session.agent().agentId()).collect(Collectors.toSet());
        return directory.activeAmong(tenantId, agents)
                .invoke(active -> connected.stream()
                        .filter(session -> !active.contains(session.agent().agentId()))
                        .forEach(session -> session.end(CloseCause.DEACTIVATED)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    metrics.accessCheckFailed();
                    LOG.warnf("Could not recheck the agents of tenant %s in Postgres (connections kept): %s", tenantId,
                            failure.getMessage());
                    return null;
                });
    }
}
