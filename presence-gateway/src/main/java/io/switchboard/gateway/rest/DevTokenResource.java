package io.switchboard.gateway.rest;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.switchboard.contract.Roles;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.security.AgentIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Signed agent tokens for the local stack, so a developer can open the console without an identity provider. Off
 * unless {@code switchboard.dev.tokens-enabled=true}: then it answers 404 like any unknown path.
 *
 * <p>The token's {@code groups} are the {@code groups} parameter's roles ({@code agent,supervisor,admin}), or the roles
 * the tenant recorded for the agent when it is left out: what an identity provider would map.
 */
@Path("/dev/token")
public class DevTokenResource {

    public record TokenResponse(String token) {
    }

    private final GatewayConfig config;
    private final AgentDirectory directory;
    private final String issuer;
    private final Set<String> audiences;

    public DevTokenResource(GatewayConfig config, AgentDirectory directory,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Set<String> audiences) {
        this.config = config;
        this.directory = directory;
        this.issuer = issuer;
        this.audiences = audiences;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> token(@RestQuery String tenant, @RestQuery String agent, @RestQuery String groups) {
        if (!config.dev().tokensEnabled()) {
            throw new NotFoundException();
        }
        if (tenant == null || tenant.isBlank() || agent == null || agent.isBlank()) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST,
                    "Both query parameters are needed: /dev/token?tenant=acme&agent=doug"));
        }
        Set<String> asked = groups == null ? null : Arrays.stream(groups.split(",")).map(String::trim)
                .filter(role -> !role.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        if (asked != null && (asked.isEmpty() || !Roles.ALL.containsAll(asked))) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST,
                    "groups must list roles among " + String.join(", ", Roles.ALL)
                            + ", comma-separated; got '" + groups + "'."));
        }
        return directory.rolesOf(tenant, agent)
                // Signing reads the key file: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(recorded -> recorded.isPresent()
                        ? Response.ok(new TokenResponse(sign(tenant, agent,
                                asked != null ? asked : Set.copyOf(recorded.get())))).build()
                        : Problem.response(Response.Status.NOT_FOUND, "Tenant '" + tenant + "' has no active agent '"
                                + agent + "'; check both ids (the local stack seeds tenant acme with doug and rhonda)."));
    }

    private String sign(String tenant, String agent, Set<String> roles) {
        return Jwt.issuer(issuer)
                .audience(audiences)
                .subject(agent)
                .claim(AgentIdentity.TENANT_CLAIM, tenant)
                .groups(roles)
                .expiresIn(config.dev().tokenLifetime())
                .sign();
    }

}
