package io.switchboard.contract;

import java.time.Instant;

/** An agent as every screen of the tenant sees it. */
public record Agent(String id, String name, Presence presence, AgentStatus status, CurrentCall currentCall) {

    /** The call the agent is talking on; null while they are not on one. */
    public record CurrentCall(String callSid, String phoneNumber, Instant answeredAt) {
    }
}
