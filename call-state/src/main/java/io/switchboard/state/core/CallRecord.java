package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import java.time.Instant;

/**
 * A call that is not over, as call-state keeps it. {@code agentId} is set while an agent holds the call
 * (CLAIMED or CONNECTED); {@code claimDeadline} while a claim waits for the agent's leg to be answered.
 */
public record CallRecord(String callSid, String tenantId, String from, String to, CallState state, String agentId,
        String agentLegSid, Instant startedAt, Instant claimedAt, Instant answeredAt, Instant claimDeadline,
        Instant endedAt, String endReason) {

    public static CallRecord ringing(String callSid, String tenantId, String from, String to, Instant at) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, at, null, null, null, null, null);
    }

    CallRecord claimedBy(String agent, Instant at, Instant deadline) {
        return new CallRecord(callSid, tenantId, from, to, CallState.CLAIMED, agent, null, startedAt, at, null,
                deadline, null, null);
    }

    CallRecord released() {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, startedAt, null, null, null, null, null);
    }

    CallRecord connected(String legSid, Instant at) {
        return new CallRecord(callSid, tenantId, from, to, CallState.CONNECTED, agentId, legSid, startedAt, claimedAt,
                at, null, null, null);
    }

    CallRecord ended(Instant at, String reason) {
        return new CallRecord(callSid, tenantId, from, to, CallState.ENDED, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, null, at, reason);
    }

    /** Rings, or is claimed but not yet answered: screens still show it as an offer. */
    boolean offered() {
        return state == CallState.RINGING || state == CallState.CLAIMED;
    }

    boolean heldBy(String agent) {
        return agent != null && agent.equals(agentId);
    }
}
