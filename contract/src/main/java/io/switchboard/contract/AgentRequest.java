package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What an agent's client sends on the WebSocket. The gateway reads these frames field by field, so that a frame it
 * cannot use gets a {@code bad_request} saying what is missing; these records are the frames' shape, for clients,
 * tests and the JSON Schema. Every field is required and never null. Tenant and agent never travel in a frame: they
 * come from the token.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AgentRequest.Claim.class, name = "claim"),
        @JsonSubTypes.Type(value = AgentRequest.Park.class, name = "park"),
        @JsonSubTypes.Type(value = AgentRequest.Retrieve.class, name = "retrieve"),
        @JsonSubTypes.Type(value = AgentRequest.Hold.class, name = "hold"),
        @JsonSubTypes.Type(value = AgentRequest.Unhold.class, name = "unhold"),
        @JsonSubTypes.Type(value = AgentRequest.Transfer.class, name = "transfer"),
        @JsonSubTypes.Type(value = AgentRequest.CompleteTransfer.class, name = "complete_transfer"),
        @JsonSubTypes.Type(value = AgentRequest.CancelTransfer.class, name = "cancel_transfer"),
        @JsonSubTypes.Type(value = AgentRequest.Hangup.class, name = "hangup"),
        @JsonSubTypes.Type(value = AgentRequest.Dial.class, name = "dial"),
        @JsonSubTypes.Type(value = AgentRequest.Status.class, name = "status"),
        @JsonSubTypes.Type(value = AgentRequest.TakeVoicemail.class, name = "take_voicemail"),
        @JsonSubTypes.Type(value = AgentRequest.VoicemailDone.class, name = "voicemail_done"),
        @JsonSubTypes.Type(value = AgentRequest.AgentStatus.class, name = "agent_status"),
        @JsonSubTypes.Type(value = AgentRequest.SignOut.class, name = "sign_out"),
        @JsonSubTypes.Type(value = AgentRequest.Resume.class, name = "resume"),
        @JsonSubTypes.Type(value = AgentRequest.Probe.class, name = "probe")
})
public sealed interface AgentRequest {

    record Claim(String callSid, String requestId) implements AgentRequest {
    }

    record Park(String callSid, String requestId) implements AgentRequest {
    }

    record Retrieve(String callSid, String requestId) implements AgentRequest {
    }

    record Hold(String callSid, String requestId) implements AgentRequest {
    }

    record Unhold(String callSid, String requestId) implements AgentRequest {
    }

    /** @param to the colleague's agent id */
    record Transfer(String callSid, String to, AgentCommand.TransferMode mode, String requestId)
            implements AgentRequest {
    }

    record CompleteTransfer(String callSid, String requestId) implements AgentRequest {
    }

    record CancelTransfer(String callSid, String requestId) implements AgentRequest {
    }

    record Hangup(String callSid, String requestId) implements AgentRequest {
    }

    /** @param to the number to call, in E.164 */
    record Dial(String to, String requestId) implements AgentRequest {
    }

    record Status(Choice status, String requestId) implements AgentRequest {

        /** What an agent may choose; {@code busy} and {@code wrap_up} follow from calls. */
        public enum Choice {
            @JsonProperty("available") AVAILABLE,
            @JsonProperty("away") AWAY
        }
    }

    /** @param voicemailId the voicemail's id: Twilio's RecordingSid, {@code RE} and 32 hex digits */
    record TakeVoicemail(String voicemailId, String requestId) implements AgentRequest {
    }

    /** Marks a voicemail the agent took as handled; {@code voicemailId} as in {@link TakeVoicemail}. */
    record VoicemailDone(String voicemailId, String requestId) implements AgentRequest {
    }

    /** A supervisor sets a colleague away or available ({@code supervisor} role). */
    record AgentStatus(String agentId, Status.Choice status, String requestId) implements AgentRequest {
    }

    /**
     * A supervisor signs a colleague out ({@code supervisor} role): they are set away and every screen of theirs is
     * closed with reason {@code signed_out}; they may sign in again.
     */
    record SignOut(String agentId, String requestId) implements AgentRequest {
    }

    /** The client has every change up to {@code seq}; no answer, the changes after it follow. */
    record Resume(long seq) implements AgentRequest {
    }

    /** Do changes reach this connection, and how fast? Answered, then a {@code probe} frame comes back. */
    record Probe(String requestId) implements AgentRequest {
    }
}
