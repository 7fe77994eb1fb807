package io.switchboard.gateway.rest;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.security.AgentIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Signed agent tokens for the local stack, so a developer can open the console without an identity provider. Off
 * unless {@code switchboard.dev.tokens-enabled=true}: then it answers 404 like any unknown path.
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
    public Uni<Response> token(@RestQuery String tenant, @RestQuery String agent) {
        if (!config.dev().tokensEnabled()) {
            throw new NotFoundException();
        }
        if (tenant == null || tenant.isBlank() || agent == null || agent.isBlank()) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST,
                    "Both query parameters are needed: /dev/token?tenant=acme&agent=doug"));
        }
        return directory.isActive(tenant, agent)
                // Signing reads the key file: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(active -> active ? Response.ok(new TokenResponse(sign(tenant, agent))).build()
                        : Problem.response(Response.Status.NOT_FOUND, "Tenant '" + tenant + "' has no active agent '"
                                + agent + "'; check both ids (the local stack seeds tenant acme with doug and rhonda)."));
    }

    private String sign(String tenant, String agent) {
        return Jwt.issuer(issuer)
                .audience(audiences)
                .subject(agent)
                .claim(AgentIdentity.TENANT_CLAIM, tenant)
                .groups(AgentIdentity.ROLE)
                .expiresIn(config.dev().tokenLifetime())
                .sign();
    }

}
