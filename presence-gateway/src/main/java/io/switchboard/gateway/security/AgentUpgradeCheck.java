package io.switchboard.gateway.security;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.endpoint.AgentSocket;
import io.switchboard.gateway.repository.AgentDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Lets a verified token through only for an agent the tenant knows and has not deactivated (403 otherwise), and
 * leaves the identity on the connection. Runs after websockets-next's own security check, which already answered 401
 * for no or a bad token and 403 without the {@code agent} group.
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
            return directory.isActive(agent.get().tenantId(), agent.get().agentId())
                    .chain(active -> {
                        if (!active) {
                            LOG.debugf("Refused a socket for %s: not an active agent of the tenant", agent.get());
                            return CheckResult.rejectUpgrade(403);
                        }
                        context.userData().put(AgentIdentity.KEY, agent.get());
                        return CheckResult.permitUpgrade();
                    })
                    .onFailure().recoverWithUni(failure -> {
                        LOG.warnf("Could not check agent %s in Postgres: %s", agent.get(), failure.getMessage());
                        return CheckResult.rejectUpgrade(503);
                    });
        });
    }
}
