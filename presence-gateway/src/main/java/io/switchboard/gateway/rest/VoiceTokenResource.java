package io.switchboard.gateway.rest;

import io.quarkus.runtime.Startup;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.Roles;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.voice.VoiceTokens;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * The signed-in agent's Twilio access token, for the console's softphone. Needs the agent's own token (as a bearer
 * header), and answers only for an agent who is still active. Without Twilio Voice configured it answers 200 with
 * {@code enabled: false} and the reason: a gateway without audio is a setting, not a failure, so the browser has no
 * failed request to report and the console simply runs without audio.
 */
@Path("/agent/voice-token")
@RolesAllowed(Roles.AGENT)
@Startup // a bad token lifetime stops the gateway at start, not at an agent's first call
public class VoiceTokenResource {
    static final String NOT_CONFIGURED = "Twilio Voice is not configured on this gateway: set TWILIO_ACCOUNT_SID,"
            + " TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET for audio in the console.";

    /**
     * What the softphone reads: {@code enabled} with a token, its identity and lifetime, or not {@code enabled} with
     * the reason. Fields without a value are null, as everywhere in the protocol.
     */
    public record Answer(boolean enabled, String token, String identity, Long ttlSeconds, String message) {
        static Answer of(VoiceTokens.VoiceToken issued) {
            return new Answer(true, issued.token(), issued.identity(), issued.ttlSeconds(), null);
        }

        static Answer disabled(String why) {
            return new Answer(false, null, null, null, why);
        }
    }

    private final Optional<VoiceTokens> tokens;
    private final AgentDirectory directory;
    private final SecurityIdentity caller;

    public VoiceTokenResource(GatewayConfig config, AgentDirectory directory, SecurityIdentity caller) {
        this.tokens = VoiceTokens.from(config.voice());
        this.directory = directory;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> token() {
        Optional<AgentIdentity> agent = AgentIdentity.of(caller);
        if (agent.isEmpty()) {
            return Problem.refusal(Response.Status.FORBIDDEN, Problem.NO_AGENT);
        }
        if (tokens.isEmpty()) {
            return Uni.createFrom().item(Response.ok(Answer.disabled(NOT_CONFIGURED)).build());
        }
        String agentId = agent.get().agentId();
        String tenantId = agent.get().tenantId();
        if (!VoiceTokens.usableIdentity(tenantId, agentId)) {
            return Problem.refusal(Response.Status.CONFLICT, "Agent '" + agentId + "' of tenant '" + tenantId
                    + "' cannot have a Twilio Voice identity: with the tenant it is longer than Twilio takes; shorten"
                    + " the ids to use the softphone.");
        }
        return directory.isActive(tenantId, agentId)
                .map(active -> active ? Response.ok(Answer.of(tokens.get().issue(tenantId, agentId))).build()
                        : Problem.response(Response.Status.FORBIDDEN, "Agent '" + agentId
                                + "' is deactivated in tenant '" + agent.get().tenantId() + "'."));
    }
}
