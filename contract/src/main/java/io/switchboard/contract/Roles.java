package io.switchboard.contract;

import java.util.List;

/**
 * What an agent may do: the roles a token's {@code groups} carry, that the admin API records
 * ({@code voip_users.roles}) and that a write's audit names. Every agent has {@link #AGENT}.
 */
public final class Roles {
    /** Takes calls: the group a token must carry to open the agent socket. */
    public static final String AGENT = "agent";
    /** Sees the wallboard, and may set an agent away or sign them out. */
    public static final String SUPERVISOR = "supervisor";
    /** Manages the tenant's agents, numbers and settings through the admin API. */
    public static final String ADMIN = "admin";
    /** Every role, in the order they are listed. */
    public static final List<String> ALL = List.of(AGENT, SUPERVISOR, ADMIN);

    private Roles() {
    }
}
