package io.switchboard.gateway.session;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.domain.CloseCause;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Closes connections nothing was heard from within the pong timeout (4408). websockets-next pings every connection
 * ({@code quarkus.websockets-next.server.auto-ping-interval}, set from {@code switchboard.connection.ping-interval})
 * and browsers answer pings on their own, so silence means the peer or the path to it is gone; the connection would
 * otherwise keep the agent online and its buffers in memory until TCP gives up, which can take many minutes.
 */
@ApplicationScoped
public class ConnectionReaper {
    private final Sessions sessions;
    private final Vertx vertx;
    private final long pongTimeoutNanos;
    private final long checkMillis;
    private long timer = -1;

    public ConnectionReaper(Sessions sessions, Vertx vertx, GatewayConfig config) {
        var ping = config.connection().pingInterval();
        var pongTimeout = config.connection().pongTimeout();
        if (pongTimeout.compareTo(ping) <= 0) {
            throw new IllegalStateException("switchboard.connection.pong-timeout (" + pongTimeout
                    + ") must be longer than switchboard.connection.ping-interval (" + ping
                    + "), or every idle connection would be closed");
        }
        this.sessions = sessions;
        this.vertx = vertx;
        this.pongTimeoutNanos = pongTimeout.toNanos();
        // Often enough that a dead connection goes within a ping interval after its timeout.
        this.checkMillis = Math.max(100, Math.min(ping.toMillis(), pongTimeout.toMillis() / 3));
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(checkMillis, id -> reap());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void reap() {
        long now = System.nanoTime();
        for (AgentSession session : sessions.all()) {
            if (session.silentNanos(now) > pongTimeoutNanos) {
                session.end(CloseCause.NO_PONG);
            }
        }
    }
}
