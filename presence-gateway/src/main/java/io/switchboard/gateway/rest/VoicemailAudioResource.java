package io.switchboard.gateway.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.switchboard.contract.Roles;
import io.switchboard.gateway.recording.TwilioRecordings;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.repository.VoicemailRepository;
import io.switchboard.gateway.security.AgentIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A voicemail's audio, streamed from Twilio with the account's credentials, which the agent never sees. Needs the
 * agent's own token (as a bearer header) and answers only for an active agent, and only for their tenant's
 * voicemails: another tenant's is as unknown as one that never was.
 */
@Path("/api/voicemails/{voicemailId}/audio")
@RolesAllowed(Roles.AGENT)
@Tag(name = "Voicemail")
public class VoicemailAudioResource {
    static final String AUDIO_WAV = "audio/wav";
    private static final Pattern RECORDING_SID = Pattern.compile("RE[0-9a-fA-F]{32}");
    /** The database answers in milliseconds; this only bounds a worker thread's wait when it does not. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final VoicemailRepository voicemails;
    private final AgentDirectory directory;
    private final TwilioRecordings twilio;
    private final SecurityIdentity caller;

    public VoicemailAudioResource(VoicemailRepository voicemails, AgentDirectory directory, TwilioRecordings twilio,
            SecurityIdentity caller) {
        this.voicemails = voicemails;
        this.directory = directory;
        this.twilio = twilio;
        this.caller = caller;
    }

    @GET
    @Blocking // the audio is copied from Twilio's stream as it arrives, on a worker thread
    @Produces({AUDIO_WAV, MediaType.APPLICATION_JSON})
    @Operation(summary = "A voicemail's recording, as WAV, streamed from Twilio")
    @APIResponse(responseCode = "200", description = "The recording; Content-Length is Twilio's",
            content = @Content(mediaType = AUDIO_WAV, schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "400", description = "Not a voicemail id (RE and 32 hex digits)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No token, or one that is not valid")
    @APIResponse(responseCode = "403", description = "Not an agent's token, or the agent is deactivated")
    @APIResponse(responseCode = "404", description = "The tenant has no such voicemail, or Twilio has no such recording",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Twilio failed to give the recording, or its stored URL is not"
            + " Twilio's", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Playback is not configured: no Twilio credentials on the gateway",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Problem.class)))
    public Response audio(@Parameter(description = "The voicemail's id: Twilio's RecordingSid")
            @PathParam("voicemailId") String voicemailId) {
        Optional<AgentIdentity> signedIn = AgentIdentity.of(caller);
        if (signedIn.isEmpty()) {
            return Problem.response(Response.Status.FORBIDDEN, Problem.NO_AGENT);
        }
        if (!RECORDING_SID.matcher(voicemailId).matches()) {
            return Problem.response(Response.Status.BAD_REQUEST, "'" + voicemailId + "' is not a voicemail id: the"
                    + " snapshot and the voicemail changes give them, RE and 32 hex digits.");
        }
        String tenantId = signedIn.get().tenantId();
        String agentId = signedIn.get().agentId();
        if (!directory.isActive(tenantId, agentId).await().atMost(LOOKUP_TIMEOUT)) {
            return Problem.response(Response.Status.FORBIDDEN, "Agent '" + agentId + "' is deactivated in tenant '"
                    + tenantId + "'.");
        }
        Optional<String> url = voicemails.recordingUrl(tenantId, voicemailId).await().atMost(LOOKUP_TIMEOUT);
        if (url.isEmpty()) {
            return Problem.response(Response.Status.NOT_FOUND, "Tenant '" + tenantId + "' has no voicemail '"
                    + voicemailId + "'.");
        }
        TwilioRecordings.Fetch fetch = twilio.fetch(voicemailId, url.get());
        if (fetch instanceof TwilioRecordings.Refusal refusal) {
            return Problem.response(Response.Status.fromStatusCode(refusal.status()), refusal.message());
        }
        TwilioRecordings.Audio audio = (TwilioRecordings.Audio) fetch;
        StreamingOutput body = out -> {
            try (InputStream in = audio.body()) {
                in.transferTo(out);
            }
        };
        Response.ResponseBuilder ok = Response.ok(body, AUDIO_WAV);
        audio.length().ifPresent(length -> ok.header(HttpHeaders.CONTENT_LENGTH, length));
        return ok.build();
    }
}
