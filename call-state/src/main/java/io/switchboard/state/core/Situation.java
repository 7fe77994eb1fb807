package io.switchboard.state.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the decider may look at for one input: the call (absent if unknown or over), whether it is known to be
 * over, the agents involved (the one asking, the one holding or having parked the call), for a park the tenant's
 * parking lot, for a dial where the tenant may call, the tenant's own times and wait limit, the voicemail an input
 * is about, and for an admin's write the tenant's setup.
 */
public record Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
        ParkingLot lot, Dialing dialing, TenantRules rules, VoicemailRecord voicemail, TenantSetup setup) {

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
            ParkingLot lot, Dialing dialing, TenantRules rules, VoicemailRecord voicemail) {
        this(tenantId, call, ended, agents, lot, dialing, rules, voicemail, null);
    }

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
            ParkingLot lot, Dialing dialing) {
        this(tenantId, call, ended, agents, lot, dialing, TenantRules.DEFAULT, null);
    }

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents,
            ParkingLot lot) {
        this(tenantId, call, ended, agents, lot, null);
    }

    public Situation(String tenantId, CallRecord call, boolean ended, Map<String, AgentRecord> agents) {
        this(tenantId, call, ended, agents, null, null);
    }

    Situation with(CallRecord newCall) {
        return new Situation(tenantId, newCall, ended, agents, lot, dialing, rules, voicemail, setup);
    }

    Situation with(AgentRecord agent) {
        var copy = new LinkedHashMap<>(agents);
        copy.put(agent.id(), agent);
        return new Situation(tenantId, call, ended, Collections.unmodifiableMap(copy), lot, dialing, rules,
                voicemail, setup);
    }

    Situation with(VoicemailRecord newVoicemail) {
        return new Situation(tenantId, call, ended, agents, lot, dialing, rules, newVoicemail, setup);
    }

    public Optional<AgentRecord> agent(String id) {
        return Optional.ofNullable(id == null ? null : agents.get(id));
    }
}
