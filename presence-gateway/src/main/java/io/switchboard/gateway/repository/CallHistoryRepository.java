package io.switchboard.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.db.TenantScope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's calls that are over, as call-state moved them to {@code call_history}, newest first, with their stays in
 * the parking lot ({@code call_parks}). Pages are keyset pages: each goes on after the last call of the one before,
 * so a page is as fast a million calls in as at the top, and calls ending meanwhile neither repeat nor go missing. A
 * page and its stays are read in one transaction, as the tenant ({@link TenantScope}).
 */
@ApplicationScoped
public class CallHistoryRepository {

    /** How a call ended, as call-state stored it in {@code call_history.outcome} when the call was over. */
    public enum Outcome {
        /** A caller's call an agent talked on. */
        ANSWERED,
        /** A caller who hung up while waiting, before any agent talked with them. */
        ABANDONED,
        /** A caller nobody answered within the tenant's wait limit, who was sent to leave a voicemail. */
        VOICEMAIL,
        /** A caller nobody answered within the wait limit, dialled on to the tenant's overflow number. */
        FORWARDED,
        /** A caller who called outside business hours. */
        MISSED_AFTER_HOURS,
        /** A caller's call handed on from one agent to another. */
        TRANSFERRED,
        /** A call an agent placed, answered or not. */
        OUTBOUND;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Outcome> fromWire(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire().equals(wire)).findFirst();
        }
    }

    /** Where a page ends: the next page holds the calls that started before this one (or with a lower SID). */
    public record Position(Instant startedAt, String callSid) {
    }

    /**
     * What to look for. Null fields do not narrow the search.
     *
     * @param since calls that started at or after it
     * @param until calls that started before it
     * @param number a number on either side of the call
     * @param after the position the previous page ended at; null for the first page
     */
    public record Search(String tenantId, Instant since, Instant until, String number, String agentId,
            Outcome outcome, Position after, int limit) {
    }

    /** A stay in the parking lot: where, who parked it, and how it left ({@code outcome} null: it never did). */
    public record Stay(int slot, String parkedBy, Instant parkedAt, Instant leftAt, String outcome,
            String retrievedBy) {
    }

    /**
     * One step of a call, in the order call-state stored them: {@code rang}, {@code claimed}, {@code retrieved},
     * {@code given_back}, {@code answered}, {@code held}, {@code unheld}, {@code parked}, {@code rang_back},
     * {@code transferred}, {@code consulted}, {@code handed_over}, {@code wait_limit}, {@code voicemail},
     * {@code ended}.
     *
     * @param agentId the agent who did it, or for whom it rang; null when no agent did
     * @param detail what else it says: the slot, the colleague, the reason, the voicemail's id; null when nothing
     * @param offered whom the call rang for from this step on ({@code rang}, {@code given_back}, {@code rang_back},
     *     {@code transferred}): the agents available then, or the one agent it was offered to; null on other steps
     */
    public record Step(String step, String agentId, String detail, Instant at, List<String> offered) {
    }

    /**
     * A call that is over.
     *
     * @param agentId the last agent who held it; null if none did
     * @param outcome how it ended: {@link Outcome#wire()}
     * @param talkSeconds from the answer to the end; null for a call nobody answered
     * @param voicemailId the voicemail the caller left on it (its audio is {@code /api/voicemails/{id}/audio}); null
     *     if none
     * @param steps what happened to it, oldest first (none for calls that ended before steps were kept)
     */
    public record PastCall(String callSid, String direction, String from, String to, String agentId,
            Instant startedAt, Instant answeredAt, Instant endedAt, String endReason, String outcome,
            Long talkSeconds, List<Stay> parks, String voicemailId, List<Step> steps) {
    }

    /** A page of calls, and where the next page starts: empty when this one is the last. */
    public record Page(List<PastCall> calls, Optional<Position> next) {
    }

    private static final String STAYS = """
            SELECT call_sid, slot, parked_by, parked_at, left_at, outcome, retrieved_by FROM call_parks
            WHERE tenant_id = $1 AND call_sid = ANY($2) ORDER BY parked_at, id""";

    private final Pool pool;

    public CallHistoryRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page> search(Search search) {
        List<Object> values = new ArrayList<>(List.of(search.tenantId()));
        // A call has one voicemail at most; should it have more, the first is named (index voicemails_by_call).
        StringBuilder sql = new StringBuilder("""
                SELECT h.call_sid, h.from_number, h.to_number, h.agent_id, h.started_at, h.answered_at, h.ended_at,
                       h.end_reason, h.outcome,
                       (SELECT v.id FROM voicemails v WHERE v.tenant_id = h.tenant_id AND v.call_sid = h.call_sid
                        ORDER BY v.recorded_at, v.id LIMIT 1) AS voicemail_id,
                       (SELECT json_agg(json_build_object('step', s.step, 'agentId', s.agent_id, 'detail', s.detail,
                                                          'at', s.at, 'offered', s.offered) ORDER BY s.id)
                        FROM call_steps s WHERE s.tenant_id = h.tenant_id AND s.call_sid = h.call_sid) AS steps
                FROM call_history h WHERE h.tenant_id = $1""");
        if (search.since() != null) {
            sql.append(" AND h.started_at >= $").append(bind(values, at(search.since())));
        }
        if (search.until() != null) {
            sql.append(" AND h.started_at < $").append(bind(values, at(search.until())));
        }
        if (search.number() != null) {
            int n = bind(values, search.number());
            sql.append(" AND (h.from_number = $").append(n).append(" OR h.to_number = $").append(n).append(')');
        }
        if (search.agentId() != null) {
            sql.append(" AND h.agent_id = $").append(bind(values, search.agentId()));
        }
        if (search.outcome() != null) {
            sql.append(" AND h.outcome = $").append(bind(values, search.outcome().wire()));
        }
        if (search.after() != null) {
            sql.append(" AND (h.started_at, h.call_sid) < ($").append(bind(values, at(search.after().startedAt())))
                    .append(", $").append(bind(values, search.after().callSid())).append(')');
        }
        // One more than asked: whether it exists says whether there is a next page.
        sql.append(" ORDER BY h.started_at DESC, h.call_sid DESC LIMIT $").append(bind(values, search.limit() + 1));
        return TenantScope.read(pool, search.tenantId(), connection -> connection.preparedQuery(sql.toString())
                .execute(Tuple.from(values)).chain(rows -> {
            List<Row> found = new ArrayList<>();
            rows.forEach(found::add);
            boolean more = found.size() > search.limit();
            List<Row> page = more ? found.subList(0, search.limit()) : found;
            String[] sids = page.stream().map(r -> r.getString("call_sid")).toArray(String[]::new);
            Uni<Map<String, List<Stay>>> stays = sids.length == 0 ? Uni.createFrom().item(Map.of())
                    : connection.preparedQuery(STAYS).execute(Tuple.of(search.tenantId(), sids)).map(parks -> {
                        Map<String, List<Stay>> byCall = new HashMap<>();
                        parks.forEach(p -> byCall.computeIfAbsent(p.getString("call_sid"), k -> new ArrayList<>())
                                .add(new Stay(p.getInteger("slot"), p.getString("parked_by"),
                                        Rows.instant(p, "parked_at"), Rows.instant(p, "left_at"),
                                        p.getString("outcome"), p.getString("retrieved_by"))));
                        return byCall;
                    });
            return stays.map(byCall -> {
                List<PastCall> calls = page.stream()
                        .map(r -> pastCall(r, byCall.getOrDefault(r.getString("call_sid"), List.of()))).toList();
                Optional<Position> next = more
                        ? Optional.of(new Position(calls.get(calls.size() - 1).startedAt(),
                                calls.get(calls.size() - 1).callSid()))
                        : Optional.empty();
                return new Page(calls, next);
            });
        }));
    }

    private static PastCall pastCall(Row r, List<Stay> parks) {
        String callSid = r.getString("call_sid");
        Instant answeredAt = Rows.instant(r, "answered_at");
        Instant endedAt = Rows.instant(r, "ended_at");
        return new PastCall(callSid, OutboundCall.direction(callSid), r.getString("from_number"),
                r.getString("to_number"), r.getString("agent_id"), Rows.instant(r, "started_at"), answeredAt,
                endedAt, r.getString("end_reason"), r.getString("outcome"),
                answeredAt == null ? null : Duration.between(answeredAt, endedAt).toSeconds(), parks,
                r.getString("voicemail_id"), steps(r.getJsonArray("steps")));
    }

    /** The call's steps as its row's subquery gathered them (null: none). */
    private static List<Step> steps(JsonArray rows) {
        if (rows == null) {
            return List.of();
        }
        List<Step> steps = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject step = rows.getJsonObject(i);
            JsonArray offered = step.getJsonArray("offered");
            steps.add(new Step(step.getString("step"), step.getString("agentId"), step.getString("detail"),
                    OffsetDateTime.parse(step.getString("at")).toInstant(),
                    offered == null ? null : offered.stream().map(String.class::cast).toList()));
        }
        return steps;
    }

    /** Adds a value to bind; returns its placeholder's number. */
    private static int bind(List<Object> values, Object value) {
        values.add(value);
        return values.size();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
