package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import java.time.Instant;

/** An agent as call-state keeps it; the {@code currentCall*} fields mirror {@code voip_users}. */
public record AgentRecord(String tenantId, String id, String name, boolean active, Presence presence,
        AgentStatus status, String currentCallSid, String currentCallPhoneNumber, Instant currentCallAnsweredAt) {

    boolean onACall() {
        return status == AgentStatus.BUSY || currentCallSid != null;
    }

    AgentRecord busy() {
        return new AgentRecord(tenantId, id, name, active, presence, AgentStatus.BUSY, currentCallSid,
                currentCallPhoneNumber, currentCallAnsweredAt);
    }

    AgentRecord talkingTo(String callSid, String phoneNumber, Instant answeredAt) {
        return new AgentRecord(tenantId, id, name, active, presence, AgentStatus.BUSY, callSid, phoneNumber,
                answeredAt);
    }

    /** Off the call; wrap-up time comes with the availability rules of a later issue. */
    AgentRecord free() {
        return new AgentRecord(tenantId, id, name, active, presence, AgentStatus.AVAILABLE, null, null, null);
    }
}
