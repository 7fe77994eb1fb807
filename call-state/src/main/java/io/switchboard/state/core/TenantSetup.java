package io.switchboard.state.core;

import io.switchboard.contract.Roles;
import io.switchboard.contract.TenantSettings;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an admin write looks at: the tenant's agents (deactivated ones too) with their roles, its numbers, its
 * settings, the slots parked calls hold, and which tenant has the number an admin adds.
 *
 * @param numberOwner the tenant that has the number an {@code add_number} names, or null when none has it
 */
public record TenantSetup(List<Member> agents, List<String> numbers, TenantSettings settings, Set<Integer> slotsInUse,
        String numberOwner) {

    /** An agent and the roles the tenant recorded for them. */
    public record Member(AgentRecord agent, List<String> roles) {
        boolean activeAdmin() {
            return agent.active() && roles.contains(Roles.ADMIN);
        }
    }

    Optional<Member> member(String agentId) {
        return agents.stream().filter(member -> member.agent().id().equals(agentId)).findFirst();
    }
}
