package io.switchboard.gateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.UserData;
import io.switchboard.contract.Roles;
import jakarta.json.JsonString;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is on a connection, from the verified token only: {@code sub} is the agent, the {@code tenant} claim its
 * tenant, the {@code groups} claim its roles. Client frames never change it.
 *
 * @param roles the token's groups among {@link Roles#ALL}
 */
public record AgentIdentity(String tenantId, String agentId, Set<String> roles) {
    public static final String TENANT_CLAIM = "tenant";
    /** Where the upgrade check leaves the identity for the connection. */
    public static final UserData.TypedKey<AgentIdentity> KEY = new UserData.TypedKey<>("switchboard.agent");
    /** Where the upgrade check leaves the token's {@code exp}, when it has one: the connection closes then. */
    public static final UserData.TypedKey<java.time.Instant> EXPIRES_AT = new UserData.TypedKey<>("switchboard.exp");

    /** Empty when the identity is not a JWT with both {@code sub} and {@code tenant}. */
    public static Optional<AgentIdentity> of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Optional.empty();
        }
        String agent = jwt.getSubject();
        String tenant = claimText(jwt.getClaim(TENANT_CLAIM));
        if (agent == null || agent.isBlank() || tenant == null || tenant.isBlank()) {
            return Optional.empty();
        }
        Set<String> roles = new TreeSet<>(identity.getRoles());
        roles.retainAll(Roles.ALL);
        return Optional.of(new AgentIdentity(tenant, agent, Set.copyOf(roles)));
    }

    public boolean supervisor() {
        return roles.contains(Roles.SUPERVISOR);
    }

    private static String claimText(Object claim) {
        if (claim instanceof JsonString json) {
            return json.getString();
        }
        return claim instanceof String text ? text : null;
    }
}
