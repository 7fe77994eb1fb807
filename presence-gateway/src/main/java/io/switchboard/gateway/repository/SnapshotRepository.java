package io.switchboard.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.Agent;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Call;
import io.switchboard.contract.CallState;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.Presence;
import io.switchboard.contract.Snapshot;
import io.switchboard.contract.Voicemail;
import io.switchboard.contract.Wallboard;
import io.switchboard.contract.db.TenantScope;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tenant's whole live picture from the projection call-state writes. The seq, the agents, the calls and the
 * voicemails not done (and, for a supervisor, the latest wallboard figures) come from one repeatable-read transaction,
 * so they are one consistent picture as of that seq: every change after it has a higher seq. The transaction runs as
 * the tenant ({@link TenantScope}).
 */
@ApplicationScoped
public class SnapshotRepository {
    private static final String SEQ = "SELECT seq FROM tenants WHERE id = $1";
    private static final String AGENTS = """
            SELECT id, name, presence, status, current_call_id, current_call_phone_number, current_call_answered_at
            FROM voip_users WHERE tenant_id = $1 AND active ORDER BY name, id""";
    private static final String CALLS = """
            SELECT call_sid, from_number, to_number, state, agent_id, slot, started_at, answered_at, parked_at,
                   parked_by, ring_reason, offered_to, held_at, transferred_by,
                   consult_with, wait_until
            FROM active_calls WHERE tenant_id = $1 ORDER BY started_at, call_sid""";
    /** Open and taken ones, oldest first (index voicemails_open); never the recording's URL, which is Twilio's. */
    private static final String VOICEMAILS = """
            SELECT id, call_sid, from_number, to_number, recorded_at, duration_seconds, taken_by, taken_at
            FROM voicemails WHERE tenant_id = $1 AND done_at IS NULL ORDER BY recorded_at, id""";

    /** The tenant's latest figures, as of a seq no later than the snapshot's (written in the same transactions). */
    private static final String WALLBOARD = "SELECT figures::text FROM wallboards WHERE tenant_id = $1";

    private final Pool pool;
    private final ObjectMapper mapper;

    public SnapshotRepository(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /**
     * @param supervisor the screen is a supervisor's: the snapshot carries the tenant's latest wallboard figures
     * @param resync mark the frame {@code "resync":true}: it replaces a picture the client already had
     */
    public Uni<TenantSnapshot> read(String tenantId, boolean supervisor, boolean resync) {
        Tuple tenant = Tuple.of(tenantId);
        return TenantScope.readOnePicture(pool, tenantId, connection -> connection.preparedQuery(SEQ).execute(tenant)
                .chain(seqRows -> {
                    if (seqRows.size() == 0) {
                        return Uni.createFrom().failure(
                                new IllegalStateException("Tenant '" + tenantId + "' is not in the tenants table"));
                    }
                    long seq = seqRows.iterator().next().getLong("seq");
                    return readPicture(connection, tenant, seq, supervisor);
                }))
                .map(snapshot -> frame(resync ? snapshot.resynced() : snapshot));
    }

    private Uni<Snapshot> readPicture(SqlConnection connection, Tuple tenant, long seq, boolean supervisor) {
        return connection.preparedQuery(AGENTS).execute(tenant)
                .chain(agentRows -> connection.preparedQuery(CALLS).execute(tenant)
                        .chain(callRows -> connection.preparedQuery(VOICEMAILS).execute(tenant)
                                .chain(voicemailRows -> wallboard(connection, tenant, supervisor)
                                        .map(wallboard -> new Snapshot(seq, agents(agentRows), calls(callRows),
                                                voicemails(voicemailRows), wallboard)))));
    }

    /** The tenant's latest figures for a supervisor's screen; null for any other, or before the tenant's first. */
    private Uni<Wallboard> wallboard(SqlConnection connection, Tuple tenant, boolean supervisor) {
        if (!supervisor) {
            return Uni.createFrom().nullItem();
        }
        return connection.preparedQuery(WALLBOARD).execute(tenant).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            try {
                return mapper.readValue(rows.iterator().next().getString("figures"), Wallboard.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("The stored wallboard of the tenant is not one", e);
            }
        });
    }

    private static List<Voicemail> voicemails(RowSet<Row> rows) {
        List<Voicemail> voicemails = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String takenBy = row.getString("taken_by");
            voicemails.add(new Voicemail(row.getString("id"), row.getString("call_sid"),
                    row.getString("from_number"), row.getString("to_number"), Rows.instant(row, "recorded_at"),
                    row.getInteger("duration_seconds"), takenBy == null ? Voicemail.OPEN : Voicemail.TAKEN, takenBy,
                    Rows.instant(row, "taken_at")));
        }
        return voicemails;
    }

    private static List<Agent> agents(RowSet<Row> rows) {
        List<Agent> agents = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String callSid = row.getString("current_call_id");
            Agent.CurrentCall currentCall = callSid == null ? null
                    : new Agent.CurrentCall(callSid, row.getString("current_call_phone_number"),
                            Rows.instant(row, "current_call_answered_at"));
            agents.add(new Agent(row.getString("id"), row.getString("name"),
                    Presence.fromWire(row.getString("presence")),
                    AgentStatus.fromWire(row.getString("status")), currentCall));
        }
        return agents;
    }

    private static List<Call> calls(RowSet<Row> rows) {
        List<Call> calls = new ArrayList<>(rows.size());
        for (Row row : rows) {
            CallState state = CallState.valueOf(row.getString("state"));
            String callSid = row.getString("call_sid");
            calls.add(new Call(callSid, row.getString("from_number"), row.getString("to_number"), state,
                    row.getString("agent_id"), row.getInteger("slot"), Rows.instant(row, "started_at"),
                    Call.shownAnsweredAt(state, Rows.instant(row, "answered_at")),
                    Rows.instant(row, "parked_at"), row.getString("parked_by"),
                    row.getString("ring_reason"), row.getString("offered_to"), row.getValue("held_at") != null,
                    Rows.instant(row, "held_at"), row.getString("transferred_by"),
                    row.getString("consult_with"), OutboundCall.direction(callSid),
                    Rows.instant(row, "wait_until")));
        }
        return calls;
    }

    private TenantSnapshot frame(Snapshot snapshot) {
        try {
            return new TenantSnapshot(snapshot.seq(), mapper.writeValueAsString(snapshot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the snapshot frame", e);
        }
    }
}
