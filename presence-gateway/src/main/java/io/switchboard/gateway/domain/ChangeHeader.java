package io.switchboard.gateway.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.contract.Probe;
import io.switchboard.contract.StateChange;

/**
 * What the gateway needs to route one record of the state-changes topic: whose it is and where it goes in the tenant's
 * order, and for a change that ends an agent's screens ({@code agent_removed}, {@code signed_out}) which agent. The
 * rest of the record is the client's business and is forwarded as it came. A {@code probe} (the canary,
 * {@link io.switchboard.contract.Probe}) has no seq: it is no change of the tenant's picture.
 */
public record ChangeHeader(String type, String tenantId, Long seq, String agentId) {

    /** @throws IllegalArgumentException when the value is not a state change the gateway can route */
    public static ChangeHeader parse(ObjectMapper mapper, String value) {
        ChangeHeader header;
        try {
            header = mapper.readValue(value, ChangeHeader.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
        if (header == null || header.type() == null || header.tenantId() == null) {
            throw new IllegalArgumentException("type and tenantId are required");
        }
        if (header.seq() == null && !header.probe()) {
            throw new IllegalArgumentException("a state change needs its seq");
        }
        return header;
    }

    /**
     * The frame screens that are not a supervisor's get for the change {@code frame}: the same frame, except for a
     * {@code wallboard} change, which they get without its figures, so their seq stays contiguous.
     */
    public String othersFrame(ObjectMapper mapper, String frame) {
        if (!StateChange.WallboardChanged.TYPE.equals(type)) {
            return frame;
        }
        try {
            return mapper.writeValueAsString(new StateChange.WallboardChanged(tenantId, seq, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a wallboard frame without figures", e);
        }
    }

    public boolean probe() {
        return Probe.TYPE.equals(type);
    }

    /** Why this change closes its agent's screens, or null when it closes none. */
    public CloseCause closes() {
        return agentId == null ? null : switch (type) {
            case "agent_removed" -> CloseCause.DEACTIVATED;
            case "signed_out" -> CloseCause.SIGNED_OUT;
            default -> null;
        };
    }
}
