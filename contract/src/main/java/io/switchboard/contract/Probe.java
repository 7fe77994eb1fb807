package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A probe on its way back: the end-to-end canary. A gateway sends a {@code probe} command on
 * {@link Topics#AGENT_COMMANDS}; call-state stores this record in its outbox (a row without a seq: a probe is no change
 * of anyone's picture) and acks; the outbox relay publishes it on {@link Topics#STATE_CHANGES} like any change, and
 * every gateway reads it. So a probe that comes back has travelled every hop a call's change travels: Kafka, call-state,
 * Postgres, the relay, Kafka, the gateways.
 *
 * <p>Two kinds: the gateways' own canary, on the reserved tenant {@link #CANARY_TENANT} (no connection: the sending
 * gateway measures the round trip), and a client's {@code probe} frame ({@code diagnose}), on the client's tenant
 * and addressed to its connection, which receives this record as a frame.
 *
 * @param type always {@code probe}: how the gateways tell it from a state change on the same topic
 * @param gatewayId the gateway that sent it
 * @param connectionId the client connection that asked for it; null for the canary
 * @param requestId the client's request id, or the canary's probe id
 * @param sentAt when the gateway sent it (the gateway's clock)
 * @param storedAt when call-state stored it (call-state's clock)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Probe(String type, String tenantId, String gatewayId, String connectionId, String requestId,
        Instant sentAt, Instant storedAt) {
    public static final String TYPE = "probe";
    /** The canary's tenant: no agent, no call, no screen belongs to it. */
    public static final String CANARY_TENANT = "_canary";

    /** What call-state stores for a {@code probe} command. */
    public static Probe storedFor(AgentCommand command, Instant storedAt) {
        AgentCommand.ReplyTo replyTo = command.replyTo();
        return new Probe(TYPE, command.tenantId(), replyTo == null ? null : replyTo.gatewayId(),
                replyTo == null ? null : replyTo.connectionId(), command.requestId(), command.issuedAt(), storedAt);
    }

    public boolean canary() {
        return connectionId == null;
    }
}
