package io.switchboard.state.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the decider may look at for one input: the call (absent if unknown or over), whether it is known to be
 * over, the agents involved (the one asking, the one holding or having parked the call), for a park the tenant's
 * parking lot, and for a dial where the tenant may call.
 */
public record Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
        ParkingLot lot, Dialing dialing) {

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
            ParkingLot lot) {
        this(tenantId, call, ended, agents, lot, null);
    }

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents) {
        this(tenantId, call, ended, agents, null, null);
    }

    Situation with(CallRecord newCall) {
        return new Situation(tenantId, newCall, ended, agents, lot, dialing);
    }

    Situation with(AgentRecord agent) {
        var copy = new LinkedHashMap<>(agents);
        copy.put(agent.id(), agent);
        return new Situation(tenantId, call, ended, Collections.unmodifiableMap(copy), lot, dialing);
    }

    public Optional<AgentRecord> agent(String id) {
        return Optional.ofNullable(id == null ? null : agents.get(id));
    }
}
