package io.switchboard.state.core;

import java.time.Instant;

/** What the decider decided happened. Facts change the projection and become the screens' changes. */
public sealed interface Fact {

    String callSid();

    record CallRang(CallRecord call) implements Fact {
        @Override
        public String callSid() {
            return call.callSid();
        }
    }

    record CallClaimed(String callSid, String agentId, Instant at, Instant deadline) implements Fact {
    }

    /** The claim is given back and the call rings again. */
    record ClaimReleased(String callSid, String agentId, String reason) implements Fact {
    }

    record CallConnected(String callSid, String agentId, String legSid, Instant at) implements Fact {
    }

    record CallEnded(String callSid, String reason, Instant at) implements Fact {
    }

    /**
     * A call ended before call-state saw it ring (its incoming event is late or lost). Recorded so the late
     * incoming event cannot bring it back.
     */
    record UnseenCallEnded(String callSid, String from, String to, String reason, Instant at) implements Fact {
    }
}
