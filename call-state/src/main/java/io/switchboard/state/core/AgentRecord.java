package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import java.time.Instant;

/**
 * An agent as call-state keeps it; mirrors {@code voip_users}.
 *
 * @param wrapUpUntil when a {@code wrap_up} status ends
 * @param offlineAt when an agent with no connection left goes offline (the grace after their last tab closed)
 */
public record AgentRecord(String tenantId, String id, String name, boolean active, Presence presence,
        AgentStatus status, String currentCallSid, String currentCallPhoneNumber, Instant currentCallAnsweredAt,
        Instant wrapUpUntil, Instant offlineAt) {

    boolean onACall() {
        return status == AgentStatus.BUSY || currentCallSid != null;
    }

    /** Calls ring for this agent: not away, not in wrap-up, not on a call. */
    boolean available() {
        return active && status == AgentStatus.AVAILABLE;
    }

    AgentRecord busy() {
        return new AgentRecord(tenantId, id, name, active, presence, AgentStatus.BUSY, currentCallSid,
                currentCallPhoneNumber, currentCallAnsweredAt, null, offlineAt);
    }

    AgentRecord talkingTo(String callSid, String phoneNumber, Instant answeredAt) {
        return new AgentRecord(tenantId, id, name, active, presence, AgentStatus.BUSY, callSid, phoneNumber,
                answeredAt, null, offlineAt);
    }

    /** Off the call: in wrap-up until {@code wrapUpEnds}, or available at once when that is null. */
    AgentRecord free(Instant wrapUpEnds) {
        return new AgentRecord(tenantId, id, name, active, presence,
                wrapUpEnds == null ? AgentStatus.AVAILABLE : AgentStatus.WRAP_UP, null, null, null, wrapUpEnds,
                offlineAt);
    }

    AgentRecord withStatus(AgentStatus newStatus) {
        return new AgentRecord(tenantId, id, name, active, presence, newStatus, currentCallSid,
                currentCallPhoneNumber, currentCallAnsweredAt, null, offlineAt);
    }

    AgentRecord withPresence(Presence newPresence, Instant newOfflineAt) {
        return new AgentRecord(tenantId, id, name, active, newPresence, status, currentCallSid,
                currentCallPhoneNumber, currentCallAnsweredAt, wrapUpUntil, newOfflineAt);
    }
}
