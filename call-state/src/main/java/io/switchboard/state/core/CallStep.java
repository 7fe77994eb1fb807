package io.switchboard.state.core;

import java.time.Instant;

/**
 * One step of a call for its history ({@code call_steps}): what happened, who did it, and a detail (the slot, the
 * colleague, the reason). The history shows a call's steps in the order they were stored.
 *
 * @param at when, as the fact says; null for a fact that says no time: the transaction's time is taken
 */
public record CallStep(String callSid, String step, String agentId, String detail, Instant at) {
}
