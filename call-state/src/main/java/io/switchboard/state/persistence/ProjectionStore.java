package io.switchboard.state.persistence;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.Presence;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.AgentRecord;
import io.switchboard.state.core.CallRecord;
import io.switchboard.state.core.CallStep;
import io.switchboard.state.core.Dialing;
import io.switchboard.state.core.Fact;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.ParkingHistory;
import io.switchboard.state.core.ParkingLot;
import io.switchboard.state.core.Situation;
import io.switchboard.state.core.VoicemailRecord;
import io.switchboard.state.core.TenantRules;
import io.switchboard.state.outbox.OutboxTrace;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The projection's SQL, always inside the caller's transaction, in as few round trips as it takes: a transaction
 * {@linkplain #open opens} with one (lock, dedupe, load) and sends all its writes in another ({@link RoundTrip}). Every
 * write checks its row count: a write that changes nothing is an error here, never a silent no-op.
 */
@ApplicationScoped
public class ProjectionStore {
    /** The wait limit of a tenant that set none ({@code switchboard.queue.max-wait}). */
    private final Duration serviceMaxWait;

    public ProjectionStore(CallStateConfig config) {
        this.serviceMaxWait = config.queue().maxWait();
    }

    /**
     * The tenant's row, locked for the transaction: one writer per tenant at a time.
     *
     * @param seq the tenant's seq
     * @param oldestUnpublished the seq of the tenant's oldest change still in the outbox (not yet acknowledged by
     *     Kafka), or null when there is none
     */
    public record TenantLock(long seq, Long oldestUnpublished) {
    }

    /**
     * How an input's transaction begins.
     *
     * @param firstDelivery false for a Kafka record applied before (a redelivery): then nothing may change
     */
    public record Opening(TenantLock lock, boolean firstDelivery, Situation situation) {
    }

    /** An agent to review, with the connections it has open now ({@code agent_connections}). */
    public record Reviewed(AgentRecord agent, int openConnections) {
    }

    /**
     * Locks the tenant, records the Kafka record as applied and loads the situation of one input, in one round trip.
     * The lock is the first statement and the reads are statements of their own after it, so they see everything the
     * tenant's previous writer committed before the lock was granted (a single statement's snapshot would be older
     * than the lock it waited for).
     *
     * @param deliveryId the Kafka record's id, or null for an input that is no Kafka record (a timer's, Twilio's
     *     answer)
     * @param callSid the call the input is about, or null for an agent's input
     * @param agentId the agent asking, or the agent the input is about, or null
     * @param voicemailId the voicemail the input is about, or null
     * @param withLot load the tenant's parking lot too (for a park)
     * @param withDialing load where the tenant may call too (for a dial)
     * @param administer the admin's write the input is, whose tenant setup is loaded too; null for any other input
     * @param trip statements to send first, in the same round trip (the writes of the transaction's previous input)
     */
    public Opening open(Connection c, RoundTrip trip, String tenantId, String deliveryId, String callSid,
            String agentId, String otherAgentId, String voicemailId, boolean withLot, boolean withDialing,
            Input.Administer administer) throws SQLException {
        RoundTrip.Result<Tenant> tenant = lock(trip, tenantId);
        RoundTrip.Result<Integer> recorded = deliveryId == null ? null : trip.write(
                "INSERT INTO processed_events (event_id) VALUES (?) ON CONFLICT DO NOTHING", p -> p.text(deliveryId),
                rows -> {
                });
        RoundTrip.Result<CallRecord> call = null;
        RoundTrip.Result<Boolean> inHistory = null;
        if (callSid != null) {
            call = trip.query("""
                    SELECT call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid, started_at,
                           claimed_at, answered_at, deadline, slot, parked_at, parked_by, ring_reason, offered_to,
                           ended_at, held_at, transferred_by, consult_with, consult_leg_sid, caller_joined_at,
                           wait_until
                    FROM active_calls WHERE call_sid = ? AND tenant_id = ?""",
                    p -> p.text(callSid).text(tenantId), rs -> rs.next() ? call(rs) : null);
            inHistory = trip.query("SELECT EXISTS (SELECT 1 FROM call_history WHERE call_sid = ? AND tenant_id = ?)",
                    p -> p.text(callSid).text(tenantId), rs -> rs.next() && rs.getBoolean(1));
        }
        // The agents named (who asks, and whom they name: a transfer's target), the agents the call names (the one
        // holding it, who parked it, whom it is offered to, who transferred it) and who took the voicemail.
        RoundTrip.Result<Map<String, AgentRecord>> agents = trip.query("SELECT " + AGENT_COLUMNS + """
                FROM voip_users WHERE tenant_id = ? AND (id = ? OR id = ? OR id IN (
                    SELECT unnest(ARRAY[agent_id, parked_by, offered_to, transferred_by, consult_with])
                    FROM active_calls
                    WHERE call_sid = ? AND tenant_id = ?) OR id IN (
                    SELECT taken_by FROM voicemails WHERE id = ? AND tenant_id = ?))""",
                p -> p.text(tenantId).text(agentId).text(otherAgentId).text(callSid).text(tenantId)
                        .text(voicemailId).text(tenantId), rs -> {
                    Map<String, AgentRecord> found = new HashMap<>();
                    while (rs.next()) {
                        AgentRecord agent = agent(rs);
                        found.put(agent.id(), agent);
                    }
                    return found;
                });
        RoundTrip.Result<TenantRules> rules = trip.query("""
                SELECT h.max_wait_seconds, h.at_limit, t.park_timeout_seconds, t.parker_ring_seconds, t.wrap_up_seconds
                FROM tenants t LEFT JOIN call_handling h ON h.tenant_id = t.id WHERE t.id = ?""",
                p -> p.text(tenantId), rs -> rs.next() ? rules(rs) : TenantRules.DEFAULT);
        RoundTrip.Result<VoicemailRecord> voicemail = voicemailId == null ? null : trip.query("""
                SELECT id, tenant_id, call_sid, from_number, to_number, recorded_at, duration_seconds, recording_url,
                       taken_by, taken_at, done_at
                FROM voicemails WHERE id = ? AND tenant_id = ?""", p -> p.text(voicemailId).text(tenantId),
                rs -> rs.next() ? voicemail(rs) : null);
        RoundTrip.Result<Set<Integer>> taken = !withLot ? null : slotsInUse(trip, tenantId);
        RoundTrip.Result<Dialing> dialing = !withDialing ? null : trip.query("""
                SELECT (SELECT min(phone_number) FROM tenant_numbers n WHERE n.tenant_id = t.id), dial_country_codes
                FROM tenants t WHERE id = ?""", p -> p.text(tenantId), rs -> rs.next() ? dialing(rs) : null);
        AdminStore.Loading setup = administer == null ? null : AdminStore.load(trip, tenantId, administer);
        trip.send(c);
        Tenant locked = tenant.get();
        if (locked == null) {
            throw new UnknownTenantException(tenantId);
        }
        CallRecord found = call == null ? null : call.get();
        boolean ended = found == null && inHistory != null && inHistory.get();
        ParkingLot lot = taken == null ? null : new ParkingLot(locked.slotFirst, locked.slotLast, taken.get());
        return new Opening(locked.lock, recorded == null || recorded.get() == 1,
                new Situation(tenantId, found, ended, agents.get(), lot, dialing == null ? null : dialing.get(),
                        rules.get(), voicemail == null ? null : voicemail.get(), setup == null ? null : setup.get()));
    }

    /** The slots the tenant's parked calls (and retrieves waiting for their agent) hold. */
    static RoundTrip.Result<Set<Integer>> slotsInUse(RoundTrip trip, String tenantId) {
        return trip.query("SELECT slot FROM active_calls WHERE tenant_id = ? AND slot IS NOT NULL",
                p -> p.text(tenantId), rs -> {
                    Set<Integer> slots = new HashSet<>();
                    while (rs.next()) {
                        slots.add(rs.getInt(1));
                    }
                    return Set.copyOf(slots);
                });
    }

    /** Locks the tenant, in a round trip of its own: for work that must run under the lock before it can load. */
    public TenantLock lockTenant(Connection c, String tenantId) throws SQLException {
        RoundTrip trip = new RoundTrip();
        RoundTrip.Result<Tenant> tenant = lock(trip, tenantId);
        trip.send(c);
        if (tenant.get() == null) {
            throw new UnknownTenantException(tenantId);
        }
        return tenant.get().lock;
    }

    /** The tenant's row as its lock reads it: the lock, and the tenant's parking slots. */
    record Tenant(TenantLock lock, int slotFirst, int slotLast) {
    }

    /** The tenant's lock, first of a round trip: null when there is no such tenant. */
    static RoundTrip.Result<Tenant> lock(RoundTrip trip, String tenantId) {
        return trip.query("""
                SELECT seq, (SELECT min(o.seq) FROM outbox o WHERE o.tenant_id = t.id), park_slot_first, park_slot_last
                FROM tenants t WHERE id = ? FOR UPDATE""", p -> p.text(tenantId), rs -> rs.next()
                ? new Tenant(new TenantLock(rs.getLong(1), (Long) rs.getObject(2)), rs.getInt(3), rs.getInt(4))
                : null);
    }

    /** The agents to review (presence work or a timer touched them), each with its open connections, in one trip. */
    public Map<String, Reviewed> agentsToReview(Connection c, String tenantId, Set<String> agentIds)
            throws SQLException {
        if (agentIds.isEmpty()) {
            return Map.of();
        }
        RoundTrip trip = new RoundTrip();
        RoundTrip.Result<Map<String, Reviewed>> reviewed = trip.query("SELECT " + AGENT_COLUMNS + """
                , (SELECT count(*) FROM agent_connections c WHERE c.tenant_id = u.tenant_id AND c.agent_id = u.id)
                FROM voip_users u WHERE tenant_id = ? AND id = ANY (?)""",
                p -> p.text(tenantId).texts(agentIds), rs -> {
                    Map<String, Reviewed> found = new HashMap<>();
                    while (rs.next()) {
                        AgentRecord agent = agent(rs);
                        found.put(agent.id(), new Reviewed(agent, rs.getInt(12)));
                    }
                    return found;
                });
        trip.send(c);
        return reviewed.get();
    }

    /** An agent's columns, in the order {@link #agent} reads them. */
    static final String AGENT_COLUMNS = """
            tenant_id, id, name, active, presence, status, current_call_id, current_call_phone_number,
            current_call_answered_at, wrap_up_until, offline_at
            """;

    static AgentRecord agent(ResultSet rs) throws SQLException {
        return new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                Presence.fromWire(rs.getString(5)), AgentStatus.fromWire(rs.getString(6)), rs.getString(7),
                rs.getString(8), instant(rs, 9), instant(rs, 10), instant(rs, 11));
    }

    private static Dialing dialing(ResultSet rs) throws SQLException {
        Array codes = rs.getArray(2);
        return new Dialing(rs.getString(1), codes == null ? Set.of() : Set.of((Integer[]) codes.getArray()));
    }

    private static TenantRules rules(ResultSet rs) throws SQLException {
        return new TenantRules(seconds(rs, 1), "forward".equals(rs.getString(2)), seconds(rs, 3), seconds(rs, 4),
                seconds(rs, 5));
    }

    /** A column of seconds as a duration; null stays null (the service's default). */
    private static Duration seconds(ResultSet rs, int column) throws SQLException {
        Integer seconds = (Integer) rs.getObject(column);
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static VoicemailRecord voicemail(ResultSet rs) throws SQLException {
        return new VoicemailRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), instant(rs, 6), rs.getInt(7), rs.getString(8), rs.getString(9), instant(rs, 10),
                instant(rs, 11));
    }

    private static CallRecord call(ResultSet rs) throws SQLException {
        return new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                CallState.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7), instant(rs, 8), instant(rs, 9),
                instant(rs, 10), instant(rs, 11), (Integer) rs.getObject(12), instant(rs, 13), rs.getString(14),
                rs.getString(15), rs.getString(16), instant(rs, 17), null, instant(rs, 18),
                rs.getString(19), rs.getString(20), rs.getString(21), instant(rs, 22), instant(rs, 23), null);
    }

    /** Adds the writes of what changed between two situations of the same call. */
    public void save(RoundTrip writes, Situation before, Situation after) {
        // Agents first: the call row's foreign key and one-call-per-agent index look at them.
        for (AgentRecord agent : after.agents().values()) {
            if (!Objects.equals(agent, before.agents().get(agent.id()))) {
                saveAgent(writes, agent);
            }
        }
        VoicemailRecord voicemail = after.voicemail();
        if (voicemail != null && !voicemail.equals(before.voicemail())) {
            saveVoicemail(writes, voicemail, before.voicemail() == null);
        }
        CallRecord call = after.call();
        if (call == null || Objects.equals(call, before.call())) {
            return;
        }
        if (call.state() == CallState.ENDED) {
            end(writes, call);
        } else {
            upsert(writes, call, TenantRules.waitBegan(after.rules(), before.call(), call, serviceMaxWait));
        }
    }

    /** Stores an admin's writes, each with its audit entry. */
    public void recordAdmin(RoundTrip writes, String tenantId, List<Fact.AdminFact> admin) {
        AdminStore.record(writes, tenantId, admin);
    }

    /** Adds the parking lot's history: a row per stay in a slot, closed by how it ended. */
    public void recordParking(RoundTrip writes, String tenantId, List<ParkingHistory> history) {
        for (ParkingHistory entry : history) {
            if (entry instanceof ParkingHistory.StayBegun begun) {
                writes.writeOne("parking of call " + begun.callSid(), """
                        INSERT INTO call_parks (call_sid, tenant_id, slot, parked_by, parked_at)
                        VALUES (?, ?, ?, ?, ?)""", p -> p.text(begun.callSid()).text(tenantId).integer(begun.slot())
                        .text(begun.parkedBy()).time(begun.at()));
            } else if (entry instanceof ParkingHistory.StayUndone undone) {
                writes.writeAny("DELETE FROM call_parks WHERE call_sid = ? AND left_at IS NULL",
                        p -> p.text(undone.callSid()));
            } else if (entry instanceof ParkingHistory.StayEnded ended) {
                writes.writeOne("parking history of call " + ended.callSid(), """
                        UPDATE call_parks SET left_at = ?, outcome = ?, retrieved_by = ?
                        WHERE call_sid = ? AND left_at IS NULL""", p -> p.time(ended.at()).text(ended.outcome())
                        .text(ended.retrievedBy()).text(ended.callSid()));
            }
        }
    }

    /**
     * Adds the calls' steps to their history; one that names no time takes the transaction's. A step after which the
     * call rings records whom for ({@code offered}): one agent, or the tenant's agents that are available as the
     * decision leaves them, read by the insert itself (no round trip more).
     */
    public void recordSteps(RoundTrip writes, String tenantId, List<CallStep> steps) {
        for (CallStep step : steps) {
            CallStep.Offer offer = step.offered();
            String offered = offer == null ? "NULL" : offer.agentId() != null ? "ARRAY[?::text]" : """
                    (SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') FROM voip_users u
                     WHERE u.tenant_id = ? AND u.active AND u.presence = 'online' AND u.status = 'available')""";
            writes.writeOne("step of call " + step.callSid(), """
                    INSERT INTO call_steps (tenant_id, call_sid, step, agent_id, detail, at, offered)
                    VALUES (?, ?, ?, ?, ?, coalesce(?, now()), %s)""".formatted(offered), p -> {
                p.text(tenantId).text(step.callSid()).text(step.step()).text(step.agentId()).text(step.detail())
                        .time(step.at());
                if (offer != null) {
                    p.text(offer.agentId() != null ? offer.agentId() : tenantId);
                }
            });
        }
    }

    private static void saveAgent(RoundTrip writes, AgentRecord a) {
        // status_since: the right-hand side reads the row as it was, so it moves only when status or presence do.
        writes.writeOne("agent " + a.tenantId() + "/" + a.id(), """
                UPDATE voip_users SET presence = ?, status = ?, current_call_id = ?, current_call_phone_number = ?,
                       current_call_answered_at = ?, wrap_up_until = ?, offline_at = ?, updated_at = now(),
                       status_since = CASE WHEN (status, presence) IS DISTINCT FROM (?, ?) THEN now()
                                           ELSE status_since END
                WHERE tenant_id = ? AND id = ?""", p -> p.text(a.presence().wire()).text(a.status().wire())
                .text(a.currentCallSid()).text(a.currentCallPhoneNumber()).time(a.currentCallAnsweredAt())
                .time(a.wrapUpUntil()).time(a.offlineAt()).text(a.status().wire()).text(a.presence().wire())
                .text(a.tenantId()).text(a.id()));
    }

    private static void saveVoicemail(RoundTrip writes, VoicemailRecord v, boolean isNew) {
        if (isNew) {
            writes.writeOne("voicemail " + v.id(), """
                    INSERT INTO voicemails (id, tenant_id, call_sid, from_number, to_number, recorded_at,
                                            duration_seconds, recording_url)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", p -> p.text(v.id()).text(v.tenantId()).text(v.callSid())
                    .text(v.from()).text(v.to()).time(v.recordedAt()).integer(v.durationSeconds())
                    .text(v.recordingUrl()));
        } else {
            writes.writeOne("voicemail " + v.id(), """
                    UPDATE voicemails SET taken_by = ?, taken_at = ?, done_at = ? WHERE id = ? AND tenant_id = ?""",
                    p -> p.text(v.takenBy()).time(v.takenAt()).time(v.doneAt()).text(v.id()).text(v.tenantId()));
        }
    }

    /** @param waitingSince when the caller began to wait anew; null when the wait goes on as it was (or none) */
    private static void upsert(RoundTrip writes, CallRecord call, Instant waitingSince) {
        writes.writeOne("call " + call.callSid(), """
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, agent_id, agent_leg_sid,
                                          started_at, claimed_at, answered_at, deadline, slot, parked_at, parked_by,
                                          ring_reason, offered_to, ended_at, held_at, transferred_by, consult_with,
                                          consult_leg_sid, caller_joined_at, wait_until, waiting_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_sid) DO UPDATE SET state = excluded.state, agent_id = excluded.agent_id,
                    agent_leg_sid = excluded.agent_leg_sid, claimed_at = excluded.claimed_at,
                    answered_at = excluded.answered_at, deadline = excluded.deadline, slot = excluded.slot,
                    parked_at = excluded.parked_at, parked_by = excluded.parked_by,
                    ring_reason = excluded.ring_reason, offered_to = excluded.offered_to,
                    ended_at = excluded.ended_at, held_at = excluded.held_at,
                    transferred_by = excluded.transferred_by, consult_with = excluded.consult_with,
                    consult_leg_sid = excluded.consult_leg_sid, caller_joined_at = excluded.caller_joined_at,
                    wait_until = excluded.wait_until,
                    waiting_since = coalesce(excluded.waiting_since, active_calls.waiting_since),
                    changed_at = now()""",
                p -> p.text(call.callSid()).text(call.tenantId()).text(call.from()).text(call.to())
                        .text(call.state().name()).text(call.agentId()).text(call.agentLegSid())
                        .time(call.startedAt()).time(call.claimedAt()).time(call.answeredAt()).time(call.deadline())
                        .integer(call.slot()).time(call.parkedAt()).text(call.parkedBy()).text(call.ringReason())
                        .text(call.offeredTo()).time(call.endedAt()).time(call.heldAt())
                        .text(call.transferredBy()).text(call.consultWith()).text(call.consultLegSid())
                        .time(call.callerJoinedAt()).time(call.waitUntil()).time(waitingSince));
    }

    /** An ended call leaves active_calls for call_history, in the same transaction. */
    private static void end(RoundTrip writes, CallRecord call) {
        // None for a call that ended before we saw it ring.
        writes.writeAny("DELETE FROM active_calls WHERE call_sid = ?", p -> p.text(call.callSid()));
        writes.writeOne("history of call " + call.callSid(), """
                INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, agent_id, started_at,
                                          answered_at, ended_at, end_reason, outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", p -> p.text(call.callSid()).text(call.tenantId())
                .text(call.from()).text(call.to()).text(call.agentId()).time(call.startedAt())
                .time(call.answeredAt()).time(call.endedAt()).text(call.endReason()).text(call.outcome()));
    }

    /**
     * Adds the tenant's changes to the outbox and moves the tenant's seq to the last of them.
     *
     * @param relay the outbox relay publishes them, not the committing process
     */
    public void appendChanges(RoundTrip writes, String tenantId, List<OutboxRow> rows, boolean relay) {
        if (rows.isEmpty()) {
            return;
        }
        String traceparent = OutboxTrace.current();
        for (OutboxRow row : rows) {
            writes.writeOne("change " + tenantId + "/" + row.seq(),
                    "INSERT INTO outbox (tenant_id, seq, payload, traceparent, relay) VALUES (?, ?, ?, ?, ?)",
                    p -> p.text(tenantId).number(row.seq()).text(row.payload()).text(traceparent).flag(relay));
        }
        long last = rows.get(rows.size() - 1).seq();
        writes.writeOne("tenant " + tenantId, "UPDATE tenants SET seq = ? WHERE id = ?",
                p -> p.number(last).text(tenantId));
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

    /**
     * Live calls that neither changed nor were checked against Twilio for {@code silence}, marked checked now: each
     * goes to one replica, and is checked again only after another such silence.
     */
    public List<Due> callsToReconcile(Connection c, Duration silence, int limit) throws SQLException {
        return due(c, """
                UPDATE active_calls SET checked_at = now() WHERE call_sid IN (
                    SELECT call_sid FROM active_calls
                    WHERE greatest(changed_at, checked_at) <= now() - make_interval(secs => ?)
                    ORDER BY changed_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING tenant_id, call_sid""", silence.toMillis() / 1000.0, limit);
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
                    s.setObject(i + 1, RoundTrip.typed(instant));
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

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
