package io.switchboard.state.core;

import io.switchboard.contract.TwilioCallStatus;
import java.time.Instant;

/** Everything that can ask the decider for a decision: Twilio's webhooks, agents' commands, timers. */
public sealed interface Input {

    String callSid();

    /** A caller is on hold in the tenant's queue. */
    record RingIncoming(String callSid, String from, String to, Instant at) implements Input {
    }

    record Claim(String callSid, String agentId, Instant at) implements Input {
    }

    record Hangup(String callSid, String agentId) implements Input {
    }

    /** A status callback of the caller's own call. */
    record CallerLegStatus(String callSid, String from, String to, TwilioCallStatus status, Instant at)
            implements Input {
    }

    /** A status callback of the leg that rings an agent's client. */
    record AgentLegStatus(String callSid, String legSid, String agentId, TwilioCallStatus status, Instant at)
            implements Input {
    }

    /** The {@code <Dial>} to the agent is over; {@code status} is Twilio's {@code DialCallStatus}. */
    record DialEnded(String callSid, TwilioCallStatus status, Instant at) implements Input {
    }

    /** A claim's stored deadline passed without the agent's leg being answered. */
    record ClaimExpired(String callSid, Instant at) implements Input {
    }

    /**
     * Twilio refused to connect the caller to the agent who claimed the call.
     *
     * @param callGone Twilio said the call is over or unknown: the caller left
     */
    record ConnectFailed(String callSid, String agentId, boolean callGone, Instant at) implements Input {
    }
}
