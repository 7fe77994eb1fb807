package io.switchboard.state.persistence;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.AgentRecord;
import io.switchboard.state.core.CallRecord;
import io.switchboard.state.core.ParkingHistory;
import io.switchboard.state.core.ParkingLot;
import io.switchboard.state.core.Situation;
import io.switchboard.state.outbox.OutboxTrace;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The projection's SQL, one statement per method, always inside the caller's transaction. Every write
 * checks its row count: a write that changes nothing is an error here, never a silent no-op.
 */
@ApplicationScoped
public class ProjectionStore {

    /**
     * The tenant's row, locked for the transaction: one writer per tenant at a time.
     *
     * @param seq the tenant's seq
     * @param oldestUnpublished the seq of the tenant's oldest change still in the outbox (not yet acknowledged by
     *     Kafka), or null when there is none
     */
    public record TenantLock(long seq, Long oldestUnpublished) {
    }

    public TenantLock lockTenant(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT seq, (SELECT min(o.seq) FROM outbox o WHERE o.tenant_id = t.id)
                FROM tenants t WHERE id = ? FOR UPDATE""")) {
            s.setString(1, tenantId);
            ResultSet rs = s.executeQuery();
            if (!rs.next()) {
                throw new UnknownTenantException(tenantId);
            }
            return new TenantLock(rs.getLong(1), (Long) rs.getObject(2));
        }
    }

    /** Records that a Kafka record was applied; false if it already was (a redelivery). */
    public boolean firstDelivery(Connection c, String eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO processed_events (event_id) VALUES (?) ON CONFLICT DO NOTHING")) {
            s.setString(1, eventId);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * @param callSid the call the input is about, or null for an agent's input
     * @param agentId the agent asking, or the agent the input is about, or null
     * @param withLot load the tenant's parking lot too (for a park)
     */
    public Situation load(Connection c, String tenantId, String callSid, String agentId, boolean withLot)
            throws SQLException {
        CallRecord call = callSid == null ? null : findCall(c, tenantId, callSid);
        boolean ended = callSid != null && call == null && isEnded(c, tenantId, callSid);
        Set<String> agentIds = new HashSet<>();
        agentIds.add(agentId);
        if (call != null) {
            agentIds.add(call.agentId());
            agentIds.add(call.parkedBy());
            agentIds.add(call.offeredTo());
        }
        agentIds.remove(null);
        return new Situation(tenantId, call, ended, agents(c, tenantId, agentIds),
                withLot ? parkingLot(c, tenantId) : null);
    }

    private ParkingLot parkingLot(Connection c, String tenantId) throws SQLException {
        int first;
        int last;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT park_slot_first, park_slot_last FROM tenants WHERE id = ?")) {
            s.setString(1, tenantId);
            ResultSet rs = s.executeQuery();
            rs.next();
            first = rs.getInt(1);
            last = rs.getInt(2);
        }
        Set<Integer> taken = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT slot FROM active_calls WHERE tenant_id = ? AND slot IS NOT NULL")) {
            s.setString(1, tenantId);
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                taken.add(rs.getInt(1));
            }
        }
        return new ParkingLot(first, last, Set.copyOf(taken));
    }

    private CallRecord findCall(Connection c, String tenantId, String callSid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid, started_at,
                       claimed_at, answered_at, deadline, slot, parked_at, parked_by, ring_reason, offered_to, ended_at
                FROM active_calls WHERE call_sid = ? AND tenant_id = ?""")) {
            s.setString(1, callSid);
            s.setString(2, tenantId);
            ResultSet rs = s.executeQuery();
            if (!rs.next()) {
                return null;
            }
            return new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    CallState.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7), instant(rs, 8),
                    instant(rs, 9), instant(rs, 10), instant(rs, 11), (Integer) rs.getObject(12), instant(rs, 13),
                    rs.getString(14), rs.getString(15), rs.getString(16), instant(rs, 17), null);
        }
    }

    private boolean isEnded(Connection c, String tenantId, String callSid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM call_history WHERE call_sid = ? AND tenant_id = ?")) {
            s.setString(1, callSid);
            s.setString(2, tenantId);
            return s.executeQuery().next();
        }
    }

    private Map<String, AgentRecord> agents(Connection c, String tenantId, Collection<String> ids) throws SQLException {
        Map<String, AgentRecord> agents = new HashMap<>();
        if (ids.isEmpty()) {
            return agents;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT tenant_id, id, name, active, presence, status, current_call_id, current_call_phone_number,
                       current_call_answered_at, wrap_up_until, offline_at
                FROM voip_users WHERE tenant_id = ? AND id = ANY (?)""")) {
            s.setString(1, tenantId);
            s.setArray(2, c.createArrayOf("text", ids.toArray()));
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                AgentRecord agent = new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), Presence.fromWire(rs.getString(5)),
                        AgentStatus.fromWire(rs.getString(6)), rs.getString(7), rs.getString(8), instant(rs, 9),
                        instant(rs, 10), instant(rs, 11));
                agents.put(agent.id(), agent);
            }
        }
        return agents;
    }

    /** Writes what changed between two situations of the same call. */
    public void save(Connection c, Situation before, Situation after) throws SQLException {
        // Agents first: the call row's foreign key and one-call-per-agent index look at them.
        for (AgentRecord agent : after.agents().values()) {
            if (!Objects.equals(agent, before.agents().get(agent.id()))) {
                saveAgent(c, agent);
            }
        }
        CallRecord call = after.call();
        if (call == null || Objects.equals(call, before.call())) {
            return;
        }
        if (call.state() == CallState.ENDED) {
            end(c, call);
        } else {
            upsert(c, call);
        }
    }

    /** Keeps the parking lot's history: a row per stay in a slot, closed by how it ended. */
    public void recordParking(Connection c, String tenantId, List<ParkingHistory> history) throws SQLException {
        for (ParkingHistory entry : history) {
            if (entry instanceof ParkingHistory.StayBegun begun) {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO call_parks (call_sid, tenant_id, slot, parked_by, parked_at)
                        VALUES (?, ?, ?, ?, ?)""")) {
                    s.setString(1, begun.callSid());
                    s.setString(2, tenantId);
                    s.setInt(3, begun.slot());
                    s.setString(4, begun.parkedBy());
                    s.setTimestamp(5, timestamp(begun.at()));
                    expectOne(s.executeUpdate(), "parking of call " + begun.callSid());
                }
            } else if (entry instanceof ParkingHistory.StayUndone undone) {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM call_parks WHERE call_sid = ? AND left_at IS NULL")) {
                    s.setString(1, undone.callSid());
                    s.executeUpdate();
                }
            } else if (entry instanceof ParkingHistory.StayEnded ended) {
                try (PreparedStatement s = c.prepareStatement("""
                        UPDATE call_parks SET left_at = ?, outcome = ?, retrieved_by = ?
                        WHERE call_sid = ? AND left_at IS NULL""")) {
                    s.setTimestamp(1, timestamp(ended.at()));
                    s.setString(2, ended.outcome());
                    s.setString(3, ended.retrievedBy());
                    s.setString(4, ended.callSid());
                    expectOne(s.executeUpdate(), "parking history of call " + ended.callSid());
                }
            }
        }
    }

    private void saveAgent(Connection c, AgentRecord a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE voip_users SET presence = ?, status = ?, current_call_id = ?, current_call_phone_number = ?,
                       current_call_answered_at = ?, wrap_up_until = ?, offline_at = ?, updated_at = now()
                WHERE tenant_id = ? AND id = ?""")) {
            s.setString(1, a.presence().wire());
            s.setString(2, a.status().wire());
            s.setString(3, a.currentCallSid());
            s.setString(4, a.currentCallPhoneNumber());
            s.setTimestamp(5, timestamp(a.currentCallAnsweredAt()));
            s.setTimestamp(6, timestamp(a.wrapUpUntil()));
            s.setTimestamp(7, timestamp(a.offlineAt()));
            s.setString(8, a.tenantId());
            s.setString(9, a.id());
            expectOne(s.executeUpdate(), "agent " + a.tenantId() + "/" + a.id());
        }
    }

    private void upsert(Connection c, CallRecord call) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid,
                                          started_at, claimed_at, answered_at, deadline, slot, parked_at, parked_by,
                                          ring_reason, offered_to, ended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_sid) DO UPDATE SET state = excluded.state, agent_id = excluded.agent_id,
                    agent_leg_sid = excluded.agent_leg_sid, claimed_at = excluded.claimed_at,
                    answered_at = excluded.answered_at, deadline = excluded.deadline, slot = excluded.slot,
                    parked_at = excluded.parked_at, parked_by = excluded.parked_by,
                    ring_reason = excluded.ring_reason, offered_to = excluded.offered_to,
                    ended_at = excluded.ended_at""")) {
            s.setString(1, call.callSid());
            s.setString(2, call.tenantId());
            s.setString(3, call.from());
            s.setString(4, call.to());
            s.setString(5, call.state().name());
            s.setString(6, call.agentId());
            s.setString(7, call.agentLegSid());
            s.setTimestamp(8, timestamp(call.startedAt()));
            s.setTimestamp(9, timestamp(call.claimedAt()));
            s.setTimestamp(10, timestamp(call.answeredAt()));
            s.setTimestamp(11, timestamp(call.deadline()));
            s.setObject(12, call.slot(), Types.INTEGER);
            s.setTimestamp(13, timestamp(call.parkedAt()));
            s.setString(14, call.parkedBy());
            s.setString(15, call.ringReason());
            s.setString(16, call.offeredTo());
            s.setTimestamp(17, timestamp(call.endedAt()));
            expectOne(s.executeUpdate(), "call " + call.callSid());
        }
    }

    /** An ended call leaves active_calls for call_history, in the same transaction. */
    private void end(Connection c, CallRecord call) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM active_calls WHERE call_sid = ?")) {
            s.setString(1, call.callSid());
            s.executeUpdate(); // none for a call that ended before we saw it ring
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, agent_id, started_at,
                                          answered_at, ended_at, end_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, call.callSid());
            s.setString(2, call.tenantId());
            s.setString(3, call.from());
            s.setString(4, call.to());
            s.setString(5, call.agentId());
            s.setTimestamp(6, timestamp(call.startedAt()));
            s.setTimestamp(7, timestamp(call.answeredAt()));
            s.setTimestamp(8, timestamp(call.endedAt()));
            s.setString(9, call.endReason());
            expectOne(s.executeUpdate(), "history of call " + call.callSid());
        }
    }

    /**
     * Appends the tenant's changes to the outbox and moves the tenant's seq to the last of them.
     *
     * @param relay the outbox relay publishes them, not the committing process
     */
    public void appendChanges(Connection c, String tenantId, List<OutboxRow> rows, boolean relay)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String traceparent = OutboxTrace.current();
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO outbox (tenant_id, seq, payload, traceparent, relay) VALUES (?, ?, ?, ?, ?)")) {
            for (OutboxRow row : rows) {
                s.setString(1, tenantId);
                s.setLong(2, row.seq());
                s.setString(3, row.payload());
                s.setString(4, traceparent);
                s.setBoolean(5, relay);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET seq = ? WHERE id = ?")) {
            s.setLong(1, rows.get(rows.size() - 1).seq());
            s.setString(2, tenantId);
            expectOne(s.executeUpdate(), "tenant " + tenantId);
        }
    }

    public record OutboxRow(long seq, String payload) {
    }

    /** A tenant's call or agent: what a timer or a presence report is about. */
    public record Due(String tenantId, String id) {
    }

    /** Calls whose deadline passed, oldest first. */
    public List<Due> callsDue(Connection c, Instant now, int limit) throws SQLException {
        return due(c, """
                SELECT tenant_id, call_sid FROM active_calls WHERE deadline <= ?
                ORDER BY deadline LIMIT ?""", now, limit);
    }

    /** Agents whose wrap-up is over or whose offline grace passed. */
    public List<Due> agentsDue(Connection c, Instant now, int limit) throws SQLException {
        return due(c, """
                SELECT tenant_id, id FROM voip_users WHERE wrap_up_until <= ? OR offline_at <= ?
                LIMIT ?""", now, now, limit);
    }

    private static List<Due> due(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Instant instant) {
                    s.setTimestamp(i + 1, timestamp(instant));
                } else {
                    s.setObject(i + 1, params[i]);
                }
            }
            ResultSet rs = s.executeQuery();
            List<Due> due = new ArrayList<>();
            while (rs.next()) {
                due.add(new Due(rs.getString(1), rs.getString(2)));
            }
            return due;
        }
    }

    private static void expectOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException("Writing " + what + " changed " + rows + " rows instead of 1");
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
