package io.switchboard.state.core;

import java.util.Map;
import java.util.Optional;

/**
 * What the decider may look at for one input: the call (absent if unknown or over), whether it is known to
 * be over, and the agents involved (the one asking and the one holding the call).
 */
public record Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents) {

    Situation with(CallRecord newCall) {
        return new Situation(tenantId, newCall, ended, agents);
    }

    Situation with(AgentRecord agent) {
        var copy = new java.util.LinkedHashMap<>(agents);
        copy.put(agent.id(), agent);
        return new Situation(tenantId, call, ended, java.util.Collections.unmodifiableMap(copy));
    }

    public Optional<AgentRecord> agent(String id) {
        return Optional.ofNullable(id == null ? null : agents.get(id));
    }
}
