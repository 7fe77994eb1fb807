package io.switchboard.gateway.session;

import io.micrometer.core.instrument.Gauge;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.domain.ChangeSequencer;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.repository.SnapshotRepository;
import io.switchboard.gateway.security.AgentIdentity;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** The open agent sessions of this gateway, by tenant: a change goes to its tenant's sessions only. */
@ApplicationScoped
public class Sessions {
    private final ConcurrentMap<String, Set<AgentSession>> byTenant = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final SnapshotRepository snapshots;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Vertx vertx;

    public Sessions(SnapshotRepository snapshots, GatewayMetrics metrics, GatewayConfig config, Vertx vertx) {
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.config = config;
        this.vertx = vertx;
        Gauge.builder(GatewayMetrics.CONNECTIONS, open, AtomicInteger::get)
                .description("Open agent sockets on this gateway").register(metrics.registry());
    }

    /**
     * Registers a new connection. Its changes are held from now on, so {@link AgentSession#start()} (the snapshot
     * read) must come after: then no change committed after the snapshot can slip between the two.
     */
    public AgentSession open(WebSocketConnection connection, AgentIdentity agent) {
        // Called on the connection's event loop: its writes stay there (see OrderedSender).
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        Executor eventLoop = task -> context.runOnContext(ignored -> task.run());
        OrderedSender sender = new OrderedSender(eventLoop,
                frame -> connection.isClosed() ? Uni.createFrom().voidItem()
                        : connection.sendText(frame).invoke(metrics::frameSent),
                config.gateway().maxQueuedFrames());
        AgentSession session = new AgentSession(connection.id(), agent,
                new ChangeSequencer(config.gateway().maxHeldChanges()), sender, snapshots, metrics,
                reason -> connection.isClosed() ? Uni.createFrom().voidItem() : connection.close(reason));
        byTenant.compute(agent.tenantId(), (tenant, sessions) -> {
            Set<AgentSession> set = sessions != null ? sessions : ConcurrentHashMap.newKeySet();
            set.add(session);
            return set;
        });
        open.incrementAndGet();
        return session;
    }

    public void close(AgentSession session) {
        session.close();
        byTenant.computeIfPresent(session.agent().tenantId(), (tenant, sessions) -> {
            if (sessions.remove(session)) {
                open.decrementAndGet();
            }
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** Hands a change to each open session of its tenant, as one shared string. */
    public void deliver(String tenantId, long seq, String frame) {
        Set<AgentSession> sessions = byTenant.get(tenantId);
        if (sessions != null) {
            sessions.forEach(session -> session.onChange(seq, frame));
        }
    }

    public int size() {
        return open.get();
    }
}
