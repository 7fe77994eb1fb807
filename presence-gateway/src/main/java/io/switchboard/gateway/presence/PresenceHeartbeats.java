package io.switchboard.gateway.presence;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.session.Sessions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Every heartbeat interval, each tenant's heartbeat: what call-state uses to tell a live gateway from a dead one, and
 * what repairs a connected or disconnected report that was lost.
 */
@ApplicationScoped
public class PresenceHeartbeats {
    private static final Logger LOG = Logger.getLogger(PresenceHeartbeats.class);

    private final Sessions sessions;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    public PresenceHeartbeats(Sessions sessions, Vertx vertx, GatewayConfig config) {
        this.sessions = sessions;
        this.vertx = vertx;
        this.intervalMillis = config.presence().heartbeatInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> beat());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void beat() {
        try {
            sessions.reportHeartbeats();
        } catch (RuntimeException e) {
            // The timer must survive; the next beat tries again.
            LOG.warnf(e, "Heartbeats could not be built");
        }
    }
}
