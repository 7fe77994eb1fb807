package io.switchboard.gateway.security;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.endpoint.AgentSocket;
import io.switchboard.gateway.repository.AgentDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Lets a verified token through only for an agent the tenant knows and has not deactivated (403 otherwise), and
 * leaves the identity, the token's expiry and the TCP connection on the connection. Runs after websockets-next's own
 * security check, which already answered 401 for no or a bad token and 403 without the {@code agent} group.
 *
 * <p>A token past its {@code exp} is refused here too (401), even within the clock skew the JWT check allows: the
 * gateway closes connections at {@code exp}, and accepting such a token would only open a socket to close it at once.
 */
@ApplicationScoped
public class AgentUpgradeCheck implements HttpUpgradeCheck {
    private static final Logger LOG = Logger.getLogger(AgentUpgradeCheck.class);

    private final AgentDirectory directory;

    public AgentUpgradeCheck(AgentDirectory directory) {
        this.directory = directory;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return AgentSocket.ENDPOINT_ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().chain(identity -> {
            if (identity == null || identity.isAnonymous()) {
                return CheckResult.rejectUpgrade(401);
            }
            var agent = AgentIdentity.of(identity);
            if (agent.isEmpty()) {
                LOG.debugf("Refused a socket: the token has no tenant or subject");
                return CheckResult.rejectUpgrade(403);
            }
            Instant expiresAt = expiry(identity.getPrincipal());
            if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
                LOG.debugf("Refused a socket for %s: the token expired at %s", agent.get(), expiresAt);
                return CheckResult.rejectUpgrade(401);
            }
            return directory.isActive(agent.get().tenantId(), agent.get().agentId())
                    .chain(active -> {
                        if (!active) {
                            LOG.debugf("Refused a socket for %s: not an active agent of the tenant", agent.get());
                            return CheckResult.rejectUpgrade(403);
                        }
                        context.userData().put(AgentIdentity.KEY, agent.get());
                        if (expiresAt != null) {
                            context.userData().put(AgentIdentity.EXPIRES_AT, expiresAt);
                        }
                        context.userData().put(AgentSocket.TRANSPORT, context.httpRequest().connection());
                        return CheckResult.permitUpgrade();
                    })
                    .onFailure().recoverWithUni(failure -> {
                        LOG.warnf("Could not check agent %s in Postgres: %s", agent.get(), failure.getMessage());
                        return CheckResult.rejectUpgrade(503);
                    });
        });
    }

    /** The token's {@code exp}; null when it has none. */
    private static Instant expiry(java.security.Principal principal) {
        if (principal instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            return Instant.ofEpochSecond(jwt.getExpirationTime());
        }
        return null;
    }
}
