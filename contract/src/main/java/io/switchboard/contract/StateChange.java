package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One change of a tenant's live picture, numbered by the tenant's {@code seq} (rising by exactly one per
 * change). call-state writes it to its outbox in the transaction that made the change and publishes it to
 * {@link Topics#STATE_CHANGES} keyed by tenant; gateways forward the record's JSON to the tenant's screens
 * as it is, so the Kafka value is the WebSocket frame.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StateChange.AgentChanged.class, name = "agent"),
        @JsonSubTypes.Type(value = StateChange.CallChanged.class, name = "call"),
        @JsonSubTypes.Type(value = StateChange.RingCancel.class, name = "ring_cancel"),
        @JsonSubTypes.Type(value = StateChange.VoicemailChanged.class, name = "voicemail")
})
public sealed interface StateChange {

    String tenantId();

    long seq();

    /** Upsert of one agent. */
    record AgentChanged(String tenantId, long seq, Agent agent) implements StateChange {
    }

    /** Upsert of one call; a call in state ENDED is removed from screens. */
    record CallChanged(String tenantId, long seq, Call call) implements StateChange {
    }

    /**
     * Stop ringing this call on every screen.
     *
     * @param reason why: see {@link RingCancelReason}
     * @param by the agent who claimed it, when the reason is a claim; null otherwise
     */
    record RingCancel(String tenantId, long seq, String callSid, String reason, String by) implements StateChange {
    }

    /** Upsert of one voicemail; one in state {@code done} is removed from screens. */
    record VoicemailChanged(String tenantId, long seq, Voicemail voicemail) implements StateChange {
    }
}
