package io.switchboard.gateway.session;

import io.switchboard.gateway.domain.RecentChanges;
import io.switchboard.gateway.domain.ResumeDecision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One tenant on this gateway: its open sessions and its buffer of recent changes. Created with the tenant's first
 * connection here and kept until the tenant has had none for the resume retention, so the buffer (bounded) only
 * exists for tenants a client may come back to.
 *
 * <p>Membership and the presence bookkeeping change only inside {@code Sessions}' per-tenant map operation, which is
 * what orders a tenant's connected, disconnected and heartbeat reports; the session set is also read without it, by
 * the change fan-out.
 */
final class TenantSessions {
    private final String tenantId;
    private final Set<AgentSession> sessions = ConcurrentHashMap.newKeySet();
    /** The same sessions by the event loop that writes to them (a handful of loops, kept once seen). */
    private final Map<Lane, Set<AgentSession>> byLoop = new ConcurrentHashMap<>();
    private final RecentChanges recent;
    private boolean farewellDue;
    private long emptySinceNanos;

    TenantSessions(String tenantId, int bufferSize) {
        this.tenantId = tenantId;
        this.recent = new RecentChanges(bufferSize);
    }

    String tenantId() {
        return tenantId;
    }

    void add(AgentSession session) {
        sessions.add(session);
        byLoop.computeIfAbsent(session.lane(), loop -> ConcurrentHashMap.newKeySet()).add(session);
        farewellDue = false;
    }

    /** @return false when it was not (or no longer) here */
    boolean remove(AgentSession session, long nowNanos) {
        if (!sessions.remove(session)) {
            return false;
        }
        byLoop.get(session.lane()).remove(session);
        if (sessions.isEmpty()) {
            farewellDue = true;
            emptySinceNanos = nowNanos;
        }
        return true;
    }

    boolean isEmpty() {
        return sessions.isEmpty();
    }

    Collection<AgentSession> sessions() {
        return sessions;
    }

    Map<Lane, Set<AgentSession>> byLoop() {
        return byLoop;
    }

    /** True once: the empty heartbeat after the last connection closed is due. */
    boolean takeFarewell() {
        boolean due = farewellDue;
        farewellDue = false;
        return due;
    }

    long emptySinceNanos() {
        return emptySinceNanos;
    }

    /** agent id → ids of that agent's connections here, sorted so reports read the same every time. */
    Map<String, List<String>> connections() {
        Map<String, List<String>> byAgent = new TreeMap<>();
        for (AgentSession session : sessions) {
            byAgent.computeIfAbsent(session.agent().agentId(), agent -> new ArrayList<>()).add(session.connectionId());
        }
        byAgent.values().forEach(ids -> ids.sort(null));
        return byAgent;
    }

    void record(long seq, String frame, String othersFrame) {
        synchronized (recent) {
            recent.record(seq, frame, othersFrame);
        }
    }

    ResumeDecision.Plan plan(long since) {
        synchronized (recent) {
            return ResumeDecision.plan(since, recent);
        }
    }

    OptionalLong lastSeq() {
        synchronized (recent) {
            return recent.last();
        }
    }
}
