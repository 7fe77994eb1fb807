package io.switchboard.state.persistence;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.WallboardFigures.AgentDay;
import io.switchboard.state.core.WallboardFigures.AgentNow;
import io.switchboard.state.core.WallboardFigures.Day;
import io.switchboard.state.core.WallboardFigures.DayTotals;
import io.switchboard.state.persistence.ProjectionStore.TenantLock;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The wallboard's SQL: what its figures are computed from, read under the tenant's lock in one round trip, and the
 * latest figures kept for snapshots ({@code wallboards}). The day's figures are aggregates PostgreSQL computes over the
 * day's rows of {@code call_history} (index {@code call_history_day}, whose columns cover them) and the ringing steps
 * of {@code call_steps} (index {@code call_steps_offered}): no day of rows is loaded into Java.
 */
@ApplicationScoped
public class WallboardStore {

    /** A tenant's zone as {@code call_handling} names it; UTC without a row. */
    public String timeZone(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT time_zone FROM call_handling WHERE tenant_id = ?")) {
            s.setString(1, tenantId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "UTC";
            }
        }
    }

    /**
     * What the figures are computed from, as of the tenant's seq.
     *
     * @param waitingSince when the longest-waiting ringing caller began to wait; null when none waits
     * @param latest the tenant's latest figures (JSON) and their seq; null before the first
     */
    public record Reading(TenantLock lock, int serviceLevelSeconds, int callsWaiting, Instant waitingSince,
            DayTotals totals, List<AgentNow> agents, Map<String, AgentDay> days, Latest latest) {
    }

    public record Latest(long seq, String figures) {
    }

    /** Locks the tenant and reads everything the figures of {@code day} need, in one round trip. */
    public Reading read(Connection c, String tenantId, Day day) throws SQLException {
        RoundTrip trip = new RoundTrip();
        // The lock first: the reads after it are statements of their own, seeing what the last writer committed.
        RoundTrip.Result<ProjectionStore.Tenant> tenant = ProjectionStore.lock(trip, tenantId);
        RoundTrip.Result<Integer> serviceLevel = trip.query("SELECT service_level_seconds FROM tenants WHERE id = ?",
                p -> p.text(tenantId), rs -> rs.next() ? rs.getInt(1) : 20);
        RoundTrip.Result<Object[]> waiting = trip.query("""
                SELECT count(*), min(coalesce(waiting_since, started_at)) FROM active_calls
                WHERE tenant_id = ? AND state = 'RINGING'""", p -> p.text(tenantId),
                rs -> rs.next() ? new Object[] {rs.getInt(1), instant(rs, 2)} : new Object[] {0, null});
        RoundTrip.Result<DayTotals> totals = trip.query("""
                SELECT count(*) FILTER (WHERE outcome <> 'outbound' AND answered_at IS NOT NULL),
                       count(*) FILTER (WHERE outcome = 'abandoned'),
                       count(*) FILTER (WHERE outcome = 'voicemail'),
                       count(*) FILTER (WHERE outcome IN ('answered', 'transferred', 'abandoned', 'voicemail',
                                                          'forwarded')),
                       count(*) FILTER (WHERE outcome IN ('answered', 'transferred', 'abandoned', 'voicemail',
                                                          'forwarded')
                                          AND answered_at IS NOT NULL
                                          AND answered_at <= started_at
                                                             + make_interval(secs => t.service_level_seconds)),
                       coalesce(sum((extract(epoch FROM answered_at) - extract(epoch FROM started_at)) * 1000000)
                                FILTER (WHERE outcome <> 'outbound' AND answered_at IS NOT NULL), 0)::bigint
                FROM call_history h JOIN tenants t ON t.id = h.tenant_id
                WHERE h.tenant_id = ? AND h.started_at >= ? AND h.started_at < ?""",
                p -> p.text(tenantId).time(day.from()).time(day.until()),
                rs -> rs.next() ? new DayTotals(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                        rs.getLong(6)) : DayTotals.NONE);
        RoundTrip.Result<Map<String, long[]>> handled = trip.query("""
                SELECT agent_id, count(*),
                       sum(floor(extract(epoch FROM ended_at) - extract(epoch FROM answered_at)))::bigint
                FROM call_history
                WHERE tenant_id = ? AND started_at >= ? AND started_at < ? AND agent_id IS NOT NULL
                  AND answered_at IS NOT NULL
                GROUP BY agent_id""", p -> p.text(tenantId).time(day.from()).time(day.until()), rs -> {
                    Map<String, long[]> byAgent = new HashMap<>();
                    while (rs.next()) {
                        byAgent.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    }
                    return byAgent;
                });
        // A call's steps are never older than its start; the hour before the day only bounds the index range, in
        // case a step's time (the database's clock) runs behind the call's start (the webhook's clock).
        RoundTrip.Result<Map<String, Integer>> missed = trip.query("""
                SELECT o.agent_id, count(DISTINCT h.call_sid)
                FROM call_history h
                JOIN call_steps s ON s.tenant_id = h.tenant_id AND s.call_sid = h.call_sid
                                 AND s.offered IS NOT NULL AND s.at >= ?::timestamptz - interval '1 hour'
                CROSS JOIN LATERAL unnest(s.offered) AS o (agent_id)
                WHERE h.tenant_id = ? AND h.started_at >= ? AND h.started_at < ? AND h.outcome <> 'outbound'
                  AND NOT (h.agent_id IS NOT DISTINCT FROM o.agent_id AND h.answered_at IS NOT NULL)
                GROUP BY o.agent_id""", p -> p.time(day.from()).text(tenantId).time(day.from()).time(day.until()),
                rs -> {
                    Map<String, Integer> byAgent = new HashMap<>();
                    while (rs.next()) {
                        byAgent.put(rs.getString(1), rs.getInt(2));
                    }
                    return byAgent;
                });
        RoundTrip.Result<List<AgentNow>> agents = trip.query("""
                SELECT id, name, presence, status, status_since FROM voip_users
                WHERE tenant_id = ? AND active ORDER BY name, id""", p -> p.text(tenantId), rs -> {
                    List<AgentNow> found = new ArrayList<>();
                    while (rs.next()) {
                        found.add(new AgentNow(rs.getString(1), rs.getString(2), Presence.fromWire(rs.getString(3)),
                                AgentStatus.fromWire(rs.getString(4)), instant(rs, 5)));
                    }
                    return found;
                });
        RoundTrip.Result<Latest> latest = trip.query("SELECT seq, figures::text FROM wallboards WHERE tenant_id = ?",
                p -> p.text(tenantId), rs -> rs.next() ? new Latest(rs.getLong(1), rs.getString(2)) : null);
        trip.send(c);
        if (tenant.get() == null) {
            throw new UnknownTenantException(tenantId);
        }
        Map<String, AgentDay> days = new HashMap<>();
        handled.get().forEach((agentId, counts) -> days.put(agentId, new AgentDay((int) counts[0], counts[1], 0)));
        missed.get().forEach((agentId, count) -> days.merge(agentId, new AgentDay(0, 0, count),
                (day1, day2) -> new AgentDay(day1.handled(), day1.talkSeconds(), day2.missed())));
        Object[] waits = waiting.get();
        return new Reading(tenant.get().lock(), serviceLevel.get(), (Integer) waits[0], (Instant) waits[1],
                totals.get(), agents.get(), days, latest.get());
    }

    /** Adds the tenant's latest figures, as of {@code seq}, to the writes. */
    public void save(RoundTrip writes, String tenantId, long seq, String figures) {
        writes.writeOne("wallboard of " + tenantId, """
                INSERT INTO wallboards (tenant_id, seq, figures) VALUES (?, ?, ?::jsonb)
                ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, figures = excluded.figures""",
                p -> p.text(tenantId).number(seq).text(figures));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
