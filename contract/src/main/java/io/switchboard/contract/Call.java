package io.switchboard.contract;

import java.time.Instant;

/**
 * A call as every screen of the tenant sees it.
 *
 * @param agentId the agent holding the call (CLAIMED, CONNECTED); null otherwise
 * @param slot the parking slot while PARKED, and while a retrieve of it waits for the agent to answer
 * @param parkedBy who parked it, while it is parked or rings back after a park timeout
 * @param ringReason why a RINGING call rings again: {@code park_timeout}, or why a claim was given back
 *     ({@code agent_no_answer}, {@code claim_timeout}, …); null for a call ringing the first time
 * @param offeredTo the one agent a RINGING call is offered to (the parker, at first, after a park timeout);
 *     null when it is offered to every available agent
 * @param onHold whether the agent on the CONNECTED call has the caller on hold
 * @param heldAt since when the caller is on hold; null when not on hold
 * @param transferredBy the agent who transferred the RINGING call to {@code offeredTo}; null otherwise
 * @param consultWith the colleague the agent on the CONNECTED call consults, the caller on hold, before handing it
 *     over (a warm transfer), once they took the consult; null otherwise
 * @param direction {@code inbound}: a caller called the tenant; {@code outbound}: an agent placed the call
 *     ({@code dial}), {@code from} the tenant's number and {@code to} the number called
 * @param waitUntil when a RINGING call reaches the tenant's wait limit and goes to voicemail or its overflow number
 *     (screens count down to it); null otherwise
 */
public record Call(String callSid, String from, String to, CallState state, String agentId, Integer slot,
        Instant startedAt, Instant answeredAt, Instant parkedAt, String parkedBy, String ringReason,
        String offeredTo, boolean onHold, Instant heldAt, String transferredBy, String consultWith,
        String direction, Instant waitUntil) {

    /**
     * When the call was answered, as screens show it: not while it rings or is claimed. A claim's agent may have
     * answered before the caller was in the conference, and a transferred call keeps when it was first answered; the
     * time is shown once the call is connected.
     */
    public static Instant shownAnsweredAt(CallState state, Instant answeredAt) {
        return state == CallState.CLAIMED || state == CallState.RINGING ? null : answeredAt;
    }
}
