package io.switchboard.state.persistence;

import io.switchboard.contract.PresenceReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agents' WebSocket connections as gateways report them ({@code agent_connections}), always inside the
 * caller's transaction. Each method returns the agents whose connections it touched, to be reviewed.
 */
@ApplicationScoped
public class ConnectionStore {

    /** Applies one report; {@code now} is call-state's clock, which the TTL is measured by. */
    public Set<String> apply(Connection c, PresenceReport report, Instant now) throws SQLException {
        Set<String> touched = new TreeSet<>();
        if (report instanceof PresenceReport.Connected opened) {
            if (open(c, opened.gatewayId(), opened.connectionId(), opened.tenantId(), opened.agentId(), now)) {
                touched.add(opened.agentId());
            }
        } else if (report instanceof PresenceReport.Disconnected closed) {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM agent_connections WHERE gateway_id = ? AND connection_id = ? AND tenant_id = ?")) {
                s.setString(1, closed.gatewayId());
                s.setString(2, closed.connectionId());
                s.setString(3, closed.tenantId());
                s.executeUpdate();
            }
            touched.add(closed.agentId());
        } else if (report instanceof PresenceReport.Heartbeat heartbeat) {
            List<String> listed = new ArrayList<>();
            for (Map.Entry<String, List<String>> agent : heartbeat.connections().entrySet()) {
                for (String connectionId : agent.getValue()) {
                    listed.add(connectionId);
                    if (open(c, heartbeat.gatewayId(), connectionId, heartbeat.tenantId(), agent.getKey(), now)) {
                        touched.add(agent.getKey());
                    }
                }
            }
            // What the heartbeat doesn't list is closed: a lost Disconnected heals here.
            try (PreparedStatement s = c.prepareStatement("""
                    DELETE FROM agent_connections
                    WHERE gateway_id = ? AND tenant_id = ? AND NOT (connection_id = ANY (?))
                    RETURNING agent_id""")) {
                s.setString(1, heartbeat.gatewayId());
                s.setString(2, heartbeat.tenantId());
                s.setArray(3, c.createArrayOf("text", listed.toArray()));
                touched.addAll(agents(s.executeQuery()));
            }
        }
        return touched;
    }

    /**
     * Refreshes the connections a heartbeat lists, in one statement and without the tenant's lock, when they are exactly
     * the ones stored for its gateway and tenant — the usual beat, which changes no agent's presence.
     *
     * @return false when the heartbeat lists a connection not stored or leaves one out: then nothing was refreshed, and
     *     the heartbeat must be applied under the tenant's lock ({@link #apply})
     */
    public boolean refreshUnchanged(Connection c, PresenceReport.Heartbeat heartbeat, Instant now)
            throws SQLException {
        Set<String> listed = new TreeSet<>();
        heartbeat.connections().values().forEach(listed::addAll);
        try (PreparedStatement s = c.prepareStatement("""
                WITH stored AS (SELECT connection_id FROM agent_connections WHERE gateway_id = ? AND tenant_id = ?),
                     unchanged AS (SELECT (SELECT count(*) FROM stored) = ?
                                      AND (SELECT count(*) FROM stored WHERE connection_id = ANY (?)) = ? AS yes),
                     refreshed AS (UPDATE agent_connections SET seen_at = ?
                                   WHERE gateway_id = ? AND tenant_id = ? AND (SELECT yes FROM unchanged)
                                   RETURNING 1)
                SELECT (SELECT yes FROM unchanged), (SELECT count(*) FROM refreshed)""")) {
            s.setString(1, heartbeat.gatewayId());
            s.setString(2, heartbeat.tenantId());
            s.setInt(3, listed.size());
            s.setArray(4, c.createArrayOf("text", listed.toArray()));
            s.setInt(5, listed.size());
            s.setTimestamp(6, Timestamp.from(now));
            s.setString(7, heartbeat.gatewayId());
            s.setString(8, heartbeat.tenantId());
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Records an open connection, or refreshes its {@code seen_at}.
     *
     * @return true only for a connection call-state did not know: a refresh changes no presence, so the agents a
     *     heartbeat merely confirms are not reviewed. A connection of an agent the tenant doesn't have is not
     *     recorded (false): the gateway admitted a token for a since-deleted agent.
     */
    private boolean open(Connection c, String gatewayId, String connectionId, String tenantId, String agentId,
            Instant now) throws SQLException {
        // xmax is 0 on a row this statement inserted, and set on one it updated (PostgreSQL's upsert idiom).
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO agent_connections (gateway_id, connection_id, tenant_id, agent_id, opened_at, seen_at)
                SELECT ?, ?, tenant_id, id, ?, ? FROM voip_users WHERE tenant_id = ? AND id = ?
                ON CONFLICT (gateway_id, connection_id) DO UPDATE SET seen_at = excluded.seen_at
                RETURNING xmax = 0""")) {
            s.setString(1, gatewayId);
            s.setString(2, connectionId);
            s.setTimestamp(3, Timestamp.from(now));
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, tenantId);
            s.setString(6, agentId);
            ResultSet rs = s.executeQuery();
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Tenants that have connections no heartbeat refreshed since {@code staleBefore}. */
    public List<String> tenantsWithStaleConnections(Connection c, Instant staleBefore) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT tenant_id FROM agent_connections WHERE seen_at < ?")) {
            s.setObject(1, RoundTrip.typed(staleBefore));
            ResultSet rs = s.executeQuery();
            List<String> tenants = new ArrayList<>();
            while (rs.next()) {
                tenants.add(rs.getString(1));
            }
            return tenants;
        }
    }

    /** Drops a tenant's connections of gateways that stopped reporting: they are gone, or cut off from Kafka. */
    public Set<String> dropStale(Connection c, String tenantId, Instant staleBefore) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM agent_connections WHERE tenant_id = ? AND seen_at < ? RETURNING agent_id")) {
            s.setString(1, tenantId);
            s.setObject(2, RoundTrip.typed(staleBefore));
            return agents(s.executeQuery());
        }
    }

    private static Set<String> agents(ResultSet rs) throws SQLException {
        Set<String> agents = new TreeSet<>();
        while (rs.next()) {
            agents.add(rs.getString(1));
        }
        return agents;
    }
}
