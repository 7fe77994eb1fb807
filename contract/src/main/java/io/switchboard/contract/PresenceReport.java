package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a gateway tells call-state about its agents' WebSocket connections, on {@link Topics#PRESENCE} keyed by
 * tenant. call-state owns presence: an agent is online while any gateway reports a connection of theirs, and
 * goes offline a grace period after the last one closes. A gateway that stops sending heartbeats for a tenant
 * loses its connections there after a TTL, so a dead gateway's agents go offline unless they reconnect elsewhere.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PresenceReport.Connected.class, name = "connected"),
        @JsonSubTypes.Type(value = PresenceReport.Disconnected.class, name = "disconnected"),
        @JsonSubTypes.Type(value = PresenceReport.Heartbeat.class, name = "heartbeat")
})
public sealed interface PresenceReport {

    String tenantId();

    String gatewayId();

    Instant at();

    /** An agent's connection (a tab, a device) opened on this gateway. */
    record Connected(String tenantId, String gatewayId, String agentId, String connectionId, Instant at)
            implements PresenceReport {
    }

    /** That connection closed, whatever the reason. */
    record Disconnected(String tenantId, String gatewayId, String agentId, String connectionId, Instant at)
            implements PresenceReport {
    }

    /**
     * Every connection this gateway holds for the tenant, sent every heartbeat interval while it holds any (and
     * once more, empty, after the last one closed). It replaces what call-state knew of this gateway and tenant,
     * so a lost report heals within one interval.
     *
     * @param connections agent id → ids of that agent's open connections on this gateway
     */
    record Heartbeat(String tenantId, String gatewayId, Map<String, List<String>> connections, Instant at)
            implements PresenceReport {
    }
}
