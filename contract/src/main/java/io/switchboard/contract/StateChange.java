package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

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
        @JsonSubTypes.Type(value = StateChange.AgentRemoved.class, name = "agent_removed"),
        @JsonSubTypes.Type(value = StateChange.SignedOut.class, name = "signed_out"),
        @JsonSubTypes.Type(value = StateChange.TenantChanged.class, name = "tenant"),
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
     * The tenant deactivated an agent: they leave every team board, and every gateway closes their sockets
     * ({@code deactivated}).
     */
    record AgentRemoved(String tenantId, long seq, String agentId) implements StateChange {
    }

    /** A supervisor ({@code by}) signed an agent out: every gateway closes their sockets ({@code signed_out}). */
    record SignedOut(String tenantId, long seq, String agentId, String by) implements StateChange {
    }

    /** An admin changed the tenant's numbers or settings: the whole of both, as they now are. */
    record TenantChanged(String tenantId, long seq, List<String> numbers, TenantSettings settings)
            implements StateChange {
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
