package io.switchboard.gateway.session;

import io.switchboard.gateway.domain.CloseCause;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.websockets.next.WebSocketConnection;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.presence.PresencePublisher;
import io.switchboard.gateway.repository.SnapshotRepository;
import io.switchboard.gateway.security.AgentIdentity;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The open agent sessions of this gateway, by tenant: a change goes to its tenant's sessions only, and is kept in
 * the tenant's buffer of recent changes for clients that come back.
 *
 * <p>Every change to a tenant's membership, and the presence report that tells call-state about it, happens in one
 * {@link ConcurrentMap#compute} for that tenant: so one tenant's connected, disconnected and heartbeat reports leave
 * in the order of what happened, and a heartbeat never lists a connection whose disconnect was already reported.
 */
@ApplicationScoped
public class Sessions {
    private final ConcurrentMap<String, TenantSessions> byTenant = new ConcurrentHashMap<>();
    /** One lane per event loop, by {@link AgentChannel.EventLoop#key()}. */
    private final ConcurrentMap<Object, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final SessionServices services;
    private final PresencePublisher presence;
    private final GatewayConfig config;
    private final Vertx vertx;

    public Sessions(SnapshotRepository snapshots, GatewayMetrics metrics, GatewayConfig config, Vertx vertx,
            PresencePublisher presence) {
        this.services = new SessionServices(snapshots, metrics, vertx, config);
        this.presence = presence;
        this.config = config;
        this.vertx = vertx;
        Gauge.builder(GatewayMetrics.CONNECTIONS, open, AtomicInteger::get)
                .description("Open agent sockets on this gateway").register(metrics.registry());
        Gauge.builder(GatewayMetrics.QUEUE_MAX, this, sessions -> sessions.max(AgentSession::queued))
                .description("The deepest send queue of any connection, in frames").register(metrics.registry());
        Gauge.builder(GatewayMetrics.QUEUED, this, sessions -> sessions.sum(AgentSession::queued))
                .description("Frames waiting in all send queues").register(metrics.registry());
        Gauge.builder(GatewayMetrics.LAG_MAX, this, Sessions::maxLag)
                .description("How many changes the furthest-behind client is behind its tenant's stream")
                .register(metrics.registry());
    }

    /**
     * Registers a new connection and reports it to call-state. Its changes are held from now on, so
     * {@link AgentSession#start} or {@link AgentSession#startFrom} must come after: then no change committed after the
     * snapshot (or recorded after the buffer was read) can slip between the two.
     *
     * @param tokenExpiresAt when the agent's token expires (the connection closes then); null if it does not
     * @param transport the TCP connection under the socket, to drop a peer that does not answer a close
     */
    public AgentSession open(WebSocketConnection connection, AgentIdentity agent, Instant tokenExpiresAt,
            HttpConnection transport) {
        // Called on the connection's event loop: its writes stay there (see OrderedSender).
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        AgentChannel.EventLoop loop = AgentChannel.eventLoopOf(context);
        Lane lane = lanes.computeIfAbsent(loop.key(), key -> new Lane(loop.executor(), loop.isCurrent()));
        AgentChannel channel = new AgentChannel(connection, transport, services.metrics()::frameSent);
        OrderedSender sender = new OrderedSender(lane, channel, config.gateway().maxQueuedFrames());
        AgentSession[] created = new AgentSession[1];
        byTenant.compute(agent.tenantId(), (tenantId, tenant) -> {
            TenantSessions here = tenant != null ? tenant : new TenantSessions(tenantId, config.resume().bufferSize());
            AgentSession session = new AgentSession(connection.id(), agent, here, lane, sender, channel, services,
                    this::remove);
            here.add(session);
            open.incrementAndGet();
            presence.connected(agent.tenantId(), agent.agentId(), session.connectionId());
            created[0] = session;
            return here;
        });
        if (tokenExpiresAt != null) {
            created[0].expireAt(tokenExpiresAt);
        }
        return created[0];
    }

    /** The connection closed, whoever closed it. */
    public void closed(AgentSession session) {
        session.connectionClosed();
        remove(session);
    }

    /** Takes the session out and reports the disconnect, once. */
    private void remove(AgentSession session) {
        long now = System.nanoTime();
        byTenant.computeIfPresent(session.agent().tenantId(), (tenantId, tenant) -> {
            if (tenant.remove(session, now)) {
                open.decrementAndGet();
                presence.disconnected(tenantId, session.agent().agentId(), session.connectionId());
            }
            return tenant;
        });
    }

    /**
     * Records a change in its tenant's buffer and hands it to each open session of the tenant: encoded once into a
     * {@link AgentChannel.SharedFrame} that every connection writes as it is, and handed to each event loop once (a
     * {@link Lane}), which hands it to the sessions that loop serves. A task per session was the gateway's
     * bottleneck (docs/benchmarks.md): a change to 1,000 screens woke the loops 1,000 times. A lane takes changes in the
     * order they were handed to it, so each session still gets them in order.
     *
     * A change whose frame differs for screens that are not a supervisor's (a {@code wallboard} change) is encoded
     * twice, once for each audience, and each session is handed its own.
     *
     * @param othersFrame the frame for screens that are not a supervisor's (the same string as {@code frame} for
     *     every change but a wallboard)
     * @return how many of the tenant's sockets on this gateway were handed the change
     */
    public int deliver(String tenantId, long seq, String frame, String othersFrame) {
        TenantSessions tenant = byTenant.get(tenantId);
        if (tenant == null) {
            return 0;
        }
        // Recorded before it is handed out: a session that reads the buffer after registering misses nothing.
        tenant.record(seq, frame, othersFrame);
        if (tenant.isEmpty()) {
            return 0;
        }
        AgentChannel.SharedFrame shared = AgentChannel.SharedFrame.encode(frame);
        AgentChannel.SharedFrame othersShared = othersFrame.equals(frame) ? shared
                : AgentChannel.SharedFrame.encode(othersFrame);
        try {
            tenant.byLoop().forEach((lane, sessions) -> {
                if (!sessions.isEmpty()) {
                    lane.deliver(sessions, seq, frame, shared, othersFrame, othersShared);
                }
            });
        } finally {
            if (shared != null) {
                shared.release();
            }
            if (othersShared != null && othersShared != shared) {
                othersShared.release();
            }
        }
        return tenant.sessions().size();
    }

    /** Ends every session of one agent of the tenant on this gateway: deactivated, or signed out by a supervisor. */
    public void endAgent(String tenantId, String agentId, CloseCause cause) {
        TenantSessions tenant = byTenant.get(tenantId);
        if (tenant != null) {
            List.copyOf(tenant.sessions()).stream().filter(session -> session.agent().agentId().equals(agentId))
                    .forEach(session -> session.end(cause));
        }
    }

    /** Hands a frame outside the tenant's stream (a probe's answer) to one connection, if it is open here. */
    public void sendTo(String tenantId, String connectionId, String frame) {
        TenantSessions tenant = byTenant.get(tenantId);
        if (tenant != null) {
            tenant.sessions().stream().filter(session -> session.connectionId().equals(connectionId)).findFirst()
                    .ifPresent(session -> session.reply(frame));
        }
    }

    /**
     * Sends every tenant's heartbeat: the connections held there, or one empty heartbeat after the last one closed.
     * A tenant without connections for the resume retention is forgotten, buffer and all.
     */
    public void reportHeartbeats() {
        long now = System.nanoTime();
        long retention = config.resume().retention().toNanos();
        for (String tenantId : byTenant.keySet()) {
            byTenant.computeIfPresent(tenantId, (id, tenant) -> {
                if (!tenant.isEmpty()) {
                    presence.heartbeat(id, tenant.connections());
                    return tenant;
                }
                if (tenant.takeFarewell()) {
                    presence.heartbeat(id, Map.of());
                }
                return now - tenant.emptySinceNanos() >= retention ? null : tenant;
            });
        }
    }

    /** Every open session, at this moment. */
    public List<AgentSession> all() {
        List<AgentSession> all = new ArrayList<>(open.get());
        byTenant.values().forEach(tenant -> all.addAll(tenant.sessions()));
        return all;
    }

    /** Tenant id → its open sessions, at this moment. */
    public Map<String, List<AgentSession>> openByTenant() {
        Map<String, List<AgentSession>> copy = new java.util.HashMap<>();
        byTenant.forEach((tenantId, tenant) -> {
            if (!tenant.isEmpty()) {
                copy.put(tenantId, List.copyOf(tenant.sessions()));
            }
        });
        return copy;
    }

    public int size() {
        return open.get();
    }

    private double max(ToDoubleFunction<AgentSession> measure) {
        double max = 0;
        for (TenantSessions tenant : byTenant.values()) {
            for (AgentSession session : tenant.sessions()) {
                max = Math.max(max, measure.applyAsDouble(session));
            }
        }
        return max;
    }

    private double sum(ToDoubleFunction<AgentSession> measure) {
        double sum = 0;
        for (TenantSessions tenant : byTenant.values()) {
            for (AgentSession session : tenant.sessions()) {
                sum += measure.applyAsDouble(session);
            }
        }
        return sum;
    }

    private double maxLag() {
        double max = 0;
        for (TenantSessions tenant : byTenant.values()) {
            var last = tenant.lastSeq();
            if (last.isEmpty()) {
                continue;
            }
            for (AgentSession session : tenant.sessions()) {
                long written = session.lastWrittenSeq();
                if (written >= 0) {
                    max = Math.max(max, last.getAsLong() - written);
                }
            }
        }
        return max;
    }
}
