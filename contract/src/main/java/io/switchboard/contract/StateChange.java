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
        @JsonSubTypes.Type(value = StateChange.VoicemailChanged.class, name = "voicemail"),
        @JsonSubTypes.Type(value = StateChange.WallboardChanged.class, name = StateChange.WallboardChanged.TYPE)
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

    /**
     * The tenant's live figures anew (docs/protocol.md, "The wallboard"). Supervisors' screens get it as it is; every
     * other screen gets the same {@code seq} without figures ({@link #withoutFigures}), so its stream stays contiguous.
     *
     * @param wallboard the figures; null in the frame other screens get
     */
    record WallboardChanged(String tenantId, long seq, Wallboard wallboard) implements StateChange {
        public static final String TYPE = "wallboard";

        /** What a screen that is not a supervisor's gets: the seq alone. */
        public WallboardChanged withoutFigures() {
            return new WallboardChanged(tenantId, seq, null);
        }
    }
}
