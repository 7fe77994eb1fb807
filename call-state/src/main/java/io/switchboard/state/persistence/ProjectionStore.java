package io.switchboard.state.persistence;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.AgentRecord;
import io.switchboard.state.core.CallRecord;
import io.switchboard.state.core.Situation;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The projection's SQL, one statement per method, always inside the caller's transaction. Every write
 * checks its row count: a write that changes nothing is an error here, never a silent no-op.
 */
@ApplicationScoped
public class ProjectionStore {

    /** Locks the tenant's row for the transaction — one writer per tenant at a time — and returns its seq. */
    public long lockTenant(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq FROM tenants WHERE id = ? FOR UPDATE")) {
            s.setString(1, tenantId);
            ResultSet rs = s.executeQuery();
            if (!rs.next()) {
                throw new UnknownTenantException(tenantId);
            }
            return rs.getLong(1);
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

    public Situation load(Connection c, String tenantId, String callSid, String askingAgent) throws SQLException {
        CallRecord call = findCall(c, tenantId, callSid);
        boolean ended = call == null && isEnded(c, tenantId, callSid);
        List<String> agentIds = new ArrayList<>();
        if (askingAgent != null) {
            agentIds.add(askingAgent);
        }
        if (call != null && call.agentId() != null) {
            agentIds.add(call.agentId());
        }
        return new Situation(tenantId, call, ended, agents(c, tenantId, agentIds));
    }

    private CallRecord findCall(Connection c, String tenantId, String callSid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid, started_at,
                       claimed_at, answered_at, deadline
                FROM active_calls WHERE call_sid = ? AND tenant_id = ?""")) {
            s.setString(1, callSid);
            s.setString(2, tenantId);
            ResultSet rs = s.executeQuery();
            if (!rs.next()) {
                return null;
            }
            return new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    CallState.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7), instant(rs, 8),
                    instant(rs, 9), instant(rs, 10), instant(rs, 11), null, null);
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
                       current_call_answered_at
                FROM voip_users WHERE tenant_id = ? AND id = ANY (?)""")) {
            s.setString(1, tenantId);
            s.setArray(2, c.createArrayOf("text", ids.toArray()));
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                AgentRecord agent = new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), Presence.valueOf(rs.getString(5).toUpperCase()),
                        AgentStatus.fromWire(rs.getString(6)), rs.getString(7), rs.getString(8), instant(rs, 9));
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

    private void saveAgent(Connection c, AgentRecord a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE voip_users SET status = ?, current_call_id = ?, current_call_phone_number = ?,
                       current_call_answered_at = ?, updated_at = now()
                WHERE tenant_id = ? AND id = ?""")) {
            s.setString(1, a.status().wire());
            s.setString(2, a.currentCallSid());
            s.setString(3, a.currentCallPhoneNumber());
            s.setTimestamp(4, timestamp(a.currentCallAnsweredAt()));
            s.setString(5, a.tenantId());
            s.setString(6, a.id());
            expectOne(s.executeUpdate(), "agent " + a.tenantId() + "/" + a.id());
        }
    }

    private void upsert(Connection c, CallRecord call) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid,
                                          started_at, claimed_at, answered_at, deadline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_sid) DO UPDATE SET state = excluded.state, agent_id = excluded.agent_id,
                    agent_leg_sid = excluded.agent_leg_sid, claimed_at = excluded.claimed_at,
                    answered_at = excluded.answered_at, deadline = excluded.deadline""")) {
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
            s.setTimestamp(11, timestamp(call.claimDeadline()));
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

    /** Appends the tenant's changes to the outbox and moves the tenant's seq to the last of them. */
    public void appendChanges(Connection c, String tenantId, List<OutboxRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO outbox (tenant_id, seq, payload) VALUES (?, ?, ?)")) {
            for (OutboxRow row : rows) {
                s.setString(1, tenantId);
                s.setLong(2, row.seq());
                s.setString(3, row.payload());
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

    /** Claims whose deadline passed: (tenant, call) pairs, oldest first. */
    public List<String[]> expiredClaims(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT tenant_id, call_sid FROM active_calls WHERE deadline <= ?
                ORDER BY deadline LIMIT ?""")) {
            s.setTimestamp(1, timestamp(now));
            s.setInt(2, limit);
            ResultSet rs = s.executeQuery();
            List<String[]> expired = new ArrayList<>();
            while (rs.next()) {
                expired.add(new String[] {rs.getString(1), rs.getString(2)});
            }
            return expired;
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
