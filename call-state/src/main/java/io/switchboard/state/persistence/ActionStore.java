package io.switchboard.state.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.contract.Json;
import io.switchboard.state.core.TwilioAction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The action outbox: the Twilio actions of a decision, stored in the decision's transaction (V5's
 * {@code twilio_actions}) and deleted in the transaction that stores what Twilio answered.
 */
@ApplicationScoped
public class ActionStore {
    private final Replicas replicas;

    public ActionStore(Replicas replicas) {
        this.replicas = replicas;
    }

    /**
     * An action stored and not yet done, since {@code storedAt} (its decision's transaction). {@code leaseUntil}: the process that stored or took it over carries it out
     * until then; after that, or once that process stopped beating ({@link Replicas}), another replica takes it over.
     * {@code takenOver}: this process took it over, and the one that died may have done it already.
     */
    public record StoredAction(long id, String tenantId, TwilioAction action, Instant storedAt, Instant leaseUntil,
            boolean takenOver) {
    }

    /**
     * Stores a decision's actions, held by this process under a lease. Each replaces the call's actions not yet done: every
     * action says where the caller must be now (with an agent, on hold, in the lot, gone), so an older one left
     * behind must not run after it.
     */
    public List<StoredAction> store(Connection c, String tenantId, List<TwilioAction> actions, Duration lease)
            throws SQLException {
        List<StoredAction> stored = new ArrayList<>(actions.size());
        for (TwilioAction action : actions) {
            try (PreparedStatement s = c.prepareStatement("""
                    WITH replaced AS (DELETE FROM twilio_actions WHERE call_sid = ? AND tenant_id = ?)
                    INSERT INTO twilio_actions (tenant_id, call_sid, kind, action, replica_id, lease_until)
                    VALUES (?, ?, ?, ?::jsonb, ?, now() + ?::interval) RETURNING id, created_at, lease_until""")) {
                s.setString(1, action.callSid());
                s.setString(2, tenantId);
                s.setString(3, tenantId);
                s.setString(4, action.callSid());
                s.setString(5, Kind.of(action).name);
                s.setString(6, json(action));
                s.setString(7, replicas.id());
                s.setString(8, lease.toMillis() + " milliseconds");
                ResultSet rs = s.executeQuery();
                rs.next();
                stored.add(new StoredAction(rs.getLong(1), tenantId, action, rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3).toInstant(), false));
            }
        }
        return stored;
    }

    /** The action is done (or given up): its row goes. None when a newer action of its call replaced it. */
    public void done(Connection c, long id) throws SQLException {
        RoundTrip trip = new RoundTrip();
        done(trip, id);
        trip.send(c);
    }

    /** {@link #done(Connection, long)} among the writes of the transaction that stores Twilio's answer. */
    public void done(RoundTrip writes, long id) {
        writes.writeAny("DELETE FROM twilio_actions WHERE id = ?", p -> p.number(id));
    }

    /**
     * Whether the claim a connect serves still waits to be connected: the call is CLAIMED by that agent, under that
     * claim. A connect stored by an earlier version names no claim, and is taken to.
     */
    public boolean claimWaiting(Connection c, TwilioAction.ConnectToAgent connect) throws SQLException {
        if (connect.claimedAt() == null) {
            return true;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM active_calls WHERE call_sid = ? AND state = 'CLAIMED' AND agent_id = ?
                AND claimed_at = ?""")) {
            s.setString(1, connect.callSid());
            s.setString(2, connect.agentId());
            s.setTimestamp(3, Timestamp.from(connect.claimedAt()));
            return s.executeQuery().next();
        }
    }

    /**
     * Takes over, oldest first, the actions another process left unsettled: it was killed (it stopped beating, or its
     * actions have no process) or it held them past their lease. {@code SKIP LOCKED}: two replicas sweeping at once
     * take different rows.
     */
    public List<StoredAction> takeOver(Connection c, Duration lease, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE twilio_actions SET replica_id = ?, lease_until = now() + ?::interval
                WHERE id IN (SELECT a.id FROM twilio_actions a
                             WHERE a.lease_until < now()
                                OR (a.replica_id IS DISTINCT FROM ? AND NOT EXISTS (
                                        SELECT 1 FROM call_state_replicas r
                                        WHERE r.id = a.replica_id AND r.alive_at > now() - ?::interval))
                             ORDER BY a.id LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id, tenant_id, call_sid, kind, agent_id, parking_lot, claimed_at, created_at, lease_until,
                          action""")) {
            s.setString(1, replicas.id());
            s.setString(2, lease.toMillis() + " milliseconds");
            s.setString(3, replicas.id());
            s.setString(4, Replicas.SILENT_FOR.toMillis() + " milliseconds");
            s.setInt(5, limit);
            ResultSet rs = s.executeQuery();
            List<StoredAction> taken = new ArrayList<>();
            while (rs.next()) {
                String json = rs.getString(10);
                Timestamp decidedAt = rs.getTimestamp(7);
                TwilioAction action = json != null ? action(rs.getString(4), json)
                        : new EarlierRow(rs.getString(4), rs.getString(5), rs.getBoolean(6),
                                decidedAt == null ? null : decidedAt.toInstant()).action(rs.getString(3));
                taken.add(new StoredAction(rs.getLong(1), rs.getString(2), action, rs.getTimestamp(8).toInstant(),
                        rs.getTimestamp(9).toInstant(), true));
            }
            taken.sort((a, b) -> Long.compare(a.id(), b.id()));
            return taken;
        }
    }

    /** How an action is stored: its kind names its record, whose fields are the JSON's. */
    private enum Kind {
        PLACE_CALL("place_call", TwilioAction.PlaceCall.class),
        CALL_NUMBER("call_number", TwilioAction.CallNumber.class),
        CHECK_NUMBER("check_number", TwilioAction.CheckNumber.class),
        CONNECT("connect", TwilioAction.ConnectToAgent.class),
        HOLD("hold", TwilioAction.HoldCaller.class),
        HOLD_IN_CONFERENCE("hold_in_conference", TwilioAction.HoldInConference.class),
        START_CONSULT("start_consult", TwilioAction.StartConsult.class),
        CONSULT("consult", TwilioAction.Consult.class),
        COMPLETE_TRANSFER("complete_transfer", TwilioAction.CompleteTransfer.class),
        CANCEL_CONSULT("cancel_consult", TwilioAction.CancelConsult.class),
        OVERFLOW("overflow", TwilioAction.Overflow.class),
        FIND_VOICEMAIL("find_voicemail", TwilioAction.FindVoicemail.class),
        PARK("park", TwilioAction.ParkCaller.class),
        END("end", TwilioAction.EndCall.class);

        final String name;
        final Class<? extends TwilioAction> type;

        Kind(String name, Class<? extends TwilioAction> type) {
            this.name = name;
            this.type = type;
        }

        static Kind of(TwilioAction action) {
            return Arrays.stream(values()).filter(k -> k.type.isInstance(action)).findFirst().orElseThrow();
        }

        static Kind named(String name) {
            return Arrays.stream(values()).filter(k -> k.name.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Unknown Twilio action kind " + name));
        }
    }

    private static String json(TwilioAction action) {
        try {
            return Json.MAPPER.writeValueAsString(action);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Twilio action " + action + " has no JSON", e);
        }
    }

    private static TwilioAction action(String kind, String json) {
        try {
            return Json.MAPPER.readValue(json, Kind.named(kind).type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored Twilio action of kind " + kind + " is not readable: " + json, e);
        }
    }

    /**
     * An action an earlier version stored in typed columns ({@code action} null): its kind and the fields that kind
     * had. {@code decidedAt} (column {@code claimed_at}) is the time of the decision the action's callbacks name.
     */
    private record EarlierRow(String kind, String agentId, boolean parkingLot, Instant decidedAt) {

        TwilioAction action(String callSid) {
            return switch (kind) {
                case "connect" -> new TwilioAction.ConnectToAgent(callSid, agentId, null, decidedAt);
                case "hold" -> new TwilioAction.HoldCaller(callSid, parkingLot);
                case "park" -> new TwilioAction.ParkCaller(callSid, agentId, decidedAt);
                case "end" -> new TwilioAction.EndCall(callSid);
                default -> throw new IllegalStateException("Unknown Twilio action kind " + kind);
            };
        }
    }
}
