package io.switchboard.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.switchboard.contract.OutboundCall;
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
 * so a page is as fast a million calls in as at the top, and calls ending meanwhile neither repeat nor go missing.
 */
@ApplicationScoped
public class CallHistoryRepository {

    /** How a call went, as the history can tell it. */
    public enum Outcome {
        /** A caller's call an agent talked on. */
        ANSWERED("call_sid NOT LIKE 'OB%' AND answered_at IS NOT NULL"),
        /** A caller who hung up before any agent talked with them. */
        ABANDONED("call_sid NOT LIKE 'OB%' AND answered_at IS NULL"),
        /** A call an agent placed, answered or not. */
        OUTBOUND("call_sid LIKE 'OB%'");

        private final String condition;

        Outcome(String condition) {
            this.condition = condition;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Outcome> fromWire(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire().equals(wire)).findFirst();
        }

        static Outcome of(String callSid, Instant answeredAt) {
            return OutboundCall.is(callSid) ? OUTBOUND : answeredAt != null ? ANSWERED : ABANDONED;
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
     * A call that is over.
     *
     * @param agentId the last agent who held it; null if none did
     * @param talkSeconds from the answer to the end; null for a call nobody answered
     */
    public record PastCall(String callSid, String direction, String from, String to, String agentId,
            Instant startedAt, Instant answeredAt, Instant endedAt, String endReason, String outcome,
            Long talkSeconds, List<Stay> parks) {
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
        StringBuilder sql = new StringBuilder("""
                SELECT call_sid, from_number, to_number, agent_id, started_at, answered_at, ended_at, end_reason
                FROM call_history WHERE tenant_id = $1""");
        if (search.since() != null) {
            sql.append(" AND started_at >= $").append(bind(values, at(search.since())));
        }
        if (search.until() != null) {
            sql.append(" AND started_at < $").append(bind(values, at(search.until())));
        }
        if (search.number() != null) {
            int n = bind(values, search.number());
            sql.append(" AND (from_number = $").append(n).append(" OR to_number = $").append(n).append(')');
        }
        if (search.agentId() != null) {
            sql.append(" AND agent_id = $").append(bind(values, search.agentId()));
        }
        if (search.outcome() != null) {
            sql.append(" AND ").append(search.outcome().condition);
        }
        if (search.after() != null) {
            sql.append(" AND (started_at, call_sid) < ($").append(bind(values, at(search.after().startedAt())))
                    .append(", $").append(bind(values, search.after().callSid())).append(')');
        }
        // One more than asked: whether it exists says whether there is a next page.
        sql.append(" ORDER BY started_at DESC, call_sid DESC LIMIT $").append(bind(values, search.limit() + 1));
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(values)).chain(rows -> {
            List<Row> found = new ArrayList<>();
            rows.forEach(found::add);
            boolean more = found.size() > search.limit();
            List<Row> page = more ? found.subList(0, search.limit()) : found;
            String[] sids = page.stream().map(r -> r.getString("call_sid")).toArray(String[]::new);
            Uni<Map<String, List<Stay>>> stays = sids.length == 0 ? Uni.createFrom().item(Map.of())
                    : pool.preparedQuery(STAYS).execute(Tuple.of(search.tenantId(), sids)).map(parks -> {
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
        });
    }

    private static PastCall pastCall(Row r, List<Stay> parks) {
        String callSid = r.getString("call_sid");
        Instant answeredAt = Rows.instant(r, "answered_at");
        Instant endedAt = Rows.instant(r, "ended_at");
        return new PastCall(callSid, OutboundCall.direction(callSid), r.getString("from_number"),
                r.getString("to_number"), r.getString("agent_id"), Rows.instant(r, "started_at"), answeredAt,
                endedAt, r.getString("end_reason"), Outcome.of(callSid, answeredAt).wire(),
                answeredAt == null ? null : Duration.between(answeredAt, endedAt).toSeconds(), parks);
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
