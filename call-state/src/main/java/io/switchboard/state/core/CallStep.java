package io.switchboard.state.core;

import java.time.Instant;
import java.util.Set;

/**
 * One step of a call for its history ({@code call_steps}): what happened, who did it, and a detail (the slot, the
 * colleague, the reason). The history shows a call's steps in the order they were stored.
 *
 * @param at when, as the fact says; null for a fact that says no time: the transaction's time is taken
 * @param offered whom the call rings for from this step on; null for a step after which it rings nobody new
 */
public record CallStep(String callSid, String step, String agentId, String detail, Instant at, Offer offered) {

    /** The steps after which a RINGING call rings (again): whom for is recorded with them. */
    static final Set<String> RINGING = Set.of("rang", "given_back", "rang_back", "transferred");

    public CallStep(String callSid, String step, String agentId, String detail, Instant at) {
        this(callSid, step, agentId, detail, at, null);
    }

    /**
     * Whom a ringing call is offered to: one agent (a ring-back to its parker, a transfer's colleague), or every agent
     * who is available at that moment ({@code agentId} null), which the store reads as it writes the step.
     */
    public record Offer(String agentId) {
        public static final Offer EVERY_AVAILABLE_AGENT = new Offer(null);
    }

    /** This step, saying whom {@code call} (as the step left it) rings for, if it is a step that makes it ring. */
    CallStep ringing(CallRecord call) {
        if (!RINGING.contains(step) || call == null || call.state() != io.switchboard.contract.CallState.RINGING) {
            return this;
        }
        return new CallStep(callSid, step, agentId, detail, at,
                call.offeredTo() == null ? Offer.EVERY_AVAILABLE_AGENT : new Offer(call.offeredTo()));
    }
}
