package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What an agent asked for, as the gateway forwards it to call-state on {@link Topics#AGENT_COMMANDS} keyed by
 * tenant. Tenant and agent come from the agent's verified token, never from the client's frame.
 *
 * @param commandId unique per command (the gateway makes it), so a redelivered command is applied once
 * @param callSid the call the command is about; null for {@code status}, {@code probe} and {@code dial} (call-state
 *     names the call a dial places after the command: {@link OutboundCall#idFor})
 * @param status the status asked for by {@code status}; null otherwise
 * @param requestId the client's id for the request, echoed in the reply
 * @param to whom a {@code transfer} hands the call (an agent's id), the number a {@code dial} calls (E.164), the agent
 *     a supervisor's {@code agent_status} or {@code sign_out} is about; null otherwise
 * @param mode how a {@code transfer} hands it over; null otherwise
 * @param voicemailId the voicemail {@code take_voicemail} and {@code voicemail_done} are about; null otherwise
 * @param admin what an {@code admin} command writes; null otherwise
 */
public record AgentCommand(String commandId, String tenantId, String agentId, Type type, String callSid,
        AgentStatus status, String requestId, ReplyTo replyTo, Instant issuedAt, String to, TransferMode mode,
        String voicemailId, AdminRequest admin) {

    /** Any command but an admin's. */
    public AgentCommand(String commandId, String tenantId, String agentId, Type type, String callSid,
            AgentStatus status, String requestId, ReplyTo replyTo, Instant issuedAt, String to, TransferMode mode,
            String voicemailId) {
        this(commandId, tenantId, agentId, type, callSid, status, requestId, replyTo, issuedAt, to, mode, voicemailId,
                null);
    }

    /** A command about a call or the agent: every type but the voicemail's. */
    public AgentCommand(String commandId, String tenantId, String agentId, Type type, String callSid,
            AgentStatus status, String requestId, ReplyTo replyTo, Instant issuedAt, String to, TransferMode mode) {
        this(commandId, tenantId, agentId, type, callSid, status, requestId, replyTo, issuedAt, to, mode, null);
    }

    /** A command without a target: every type but {@code transfer} and {@code dial}. */
    public AgentCommand(String commandId, String tenantId, String agentId, Type type, String callSid,
            AgentStatus status, String requestId, ReplyTo replyTo, Instant issuedAt) {
        this(commandId, tenantId, agentId, type, callSid, status, requestId, replyTo, issuedAt, null, null);
    }

    public enum Type {
        @JsonProperty("claim") CLAIM,
        @JsonProperty("park") PARK,
        @JsonProperty("hold") HOLD,
        @JsonProperty("unhold") UNHOLD,
        @JsonProperty("transfer") TRANSFER,
        @JsonProperty("complete_transfer") COMPLETE_TRANSFER,
        @JsonProperty("cancel_transfer") CANCEL_TRANSFER,
        @JsonProperty("retrieve") RETRIEVE,
        @JsonProperty("hangup") HANGUP,
        @JsonProperty("dial") DIAL,
        @JsonProperty("status") STATUS,
        /** The agent takes a voicemail to handle it: one agent wins, like a claim. */
        @JsonProperty("take_voicemail") TAKE_VOICEMAIL,
        /** The agent who took a voicemail marks it handled: it leaves every screen. */
        @JsonProperty("voicemail_done") VOICEMAIL_DONE,
        /** A supervisor sets another agent's status ({@code to}, {@code status}). */
        @JsonProperty("agent_status") AGENT_STATUS,
        /** A supervisor signs an agent out ({@code to}): away, and every screen of theirs closed. */
        @JsonProperty("sign_out") SIGN_OUT,
        /** A tenant admin's write ({@code admin}): agents, numbers, settings. */
        @JsonProperty("admin") ADMIN,
        /** Not a decision: call-state stores a {@link Probe} in its outbox and acks; see {@link Probe}. */
        @JsonProperty("probe") PROBE
    }

    /**
     * {@code cold}: the call rings for the colleague at once while the caller waits; {@code warm}: the agent talks with
     * the colleague first, the caller on hold.
     */
    public enum TransferMode {
        @JsonProperty("cold") COLD,
        @JsonProperty("warm") WARM
    }

    /** Where the answer goes: the gateway instance and its connection that sent the command. */
    public record ReplyTo(String gatewayId, String connectionId) {
    }
}
