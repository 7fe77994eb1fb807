package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Decides what an input means for one call: pure, no I/O, the same answer for the same input and situation.
 * The shell loads the situation under the tenant's lock, asks here, and stores the answer.
 *
 * <p>Life of a call: RINGING → CLAIMED (first claim wins) → CONNECTED (the agent's leg answered) → ENDED.
 * An unanswered claim goes back to RINGING. ENDED is terminal: late, repeated or reordered callbacks never
 * bring a call back, and a decision that changes nothing is {@link Decision#NOTHING}.
 */
public final class CallDecider {
    private final Duration claimTimeout;

    /** @param claimTimeout how long a claim may wait for the agent's leg to be answered */
    public CallDecider(Duration claimTimeout) {
        this.claimTimeout = claimTimeout;
    }

    public Decision decide(Input input, Situation situation) {
        if (input instanceof Input.RingIncoming ring) {
            return ring(ring, situation);
        } else if (input instanceof Input.Claim claim) {
            return claim(claim, situation);
        } else if (input instanceof Input.Hangup hangup) {
            return hangup(hangup, situation);
        } else if (input instanceof Input.CallerLegStatus status) {
            return callerLeg(status, situation);
        } else if (input instanceof Input.AgentLegStatus status) {
            return agentLeg(status, situation);
        } else if (input instanceof Input.DialEnded dialEnded) {
            return dialEnded(dialEnded, situation);
        } else if (input instanceof Input.ClaimExpired expired) {
            return claimExpired(expired, situation);
        } else if (input instanceof Input.ConnectFailed failed) {
            return connectFailed(failed, situation);
        }
        throw new IllegalArgumentException("No rule for " + input);
    }

    private Decision ring(Input.RingIncoming ring, Situation s) {
        if (s.call() != null || s.ended()) {
            return Decision.NOTHING; // Twilio retried the webhook, or the caller already left
        }
        return Decision.of(new CallRang(CallRecord.ringing(ring.callSid(), s.tenantId(), ring.from(), ring.to(),
                ring.at())));
    }

    private Decision claim(Input.Claim claim, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.reject(ErrorCode.CALL_NOT_FOUND, s.ended()
                    ? "This call is over: the caller hung up or it was answered and finished."
                    : "No such call. Refresh your list of calls.");
        }
        AgentRecord agent = s.agent(claim.agentId()).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return Decision.reject(ErrorCode.UNKNOWN_AGENT,
                    "Agent " + claim.agentId() + " is not an active agent of this call center.");
        }
        if (call.heldBy(agent.id())) {
            return Decision.NOTHING; // the same agent clicked twice: the claim stands
        }
        if (call.state() == CallState.CLAIMED || call.state() == CallState.CONNECTED) {
            String winner = s.agent(call.agentId()).map(AgentRecord::name).orElse(call.agentId());
            return Decision.reject(ErrorCode.ALREADY_CLAIMED, winner + " answered this call first.");
        }
        if (call.state() != CallState.RINGING) {
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call is " + call.state().name().toLowerCase(Locale.ROOT) + ", not ringing: it cannot be claimed.");
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, "You are already on a call; finish it before taking another.");
        }
        return Decision.of(
                List.of(new CallClaimed(call.callSid(), agent.id(), claim.at(), claim.at().plus(claimTimeout))),
                List.of(new TwilioAction.ConnectToAgent(call.callSid(), agent.id())));
    }

    private Decision hangup(Input.Hangup hangup, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.reject(ErrorCode.CALL_NOT_FOUND, "This call is already over.");
        }
        if (!call.heldBy(hangup.agentId())) {
            return Decision.reject(ErrorCode.NOT_YOUR_CALL, "Only the agent on a call can hang it up.");
        }
        // The call ends when Twilio says so (its status callback), not when we ask: the truth is Twilio's.
        return new Decision(List.of(), List.of(new TwilioAction.EndCall(call.callSid())), null);
    }

    private Decision callerLeg(Input.CallerLegStatus status, Situation s) {
        if (!status.status().isFinal()) {
            return Decision.NOTHING;
        }
        CallRecord call = s.call();
        String reason = status.status() == TwilioCallStatus.COMPLETED || status.status() == TwilioCallStatus.CANCELED
                ? (call == null || call.offered() ? "caller_hangup" : "completed")
                : status.status().wire();
        if (call == null) {
            return s.ended() ? Decision.NOTHING
                    : Decision.of(new UnseenCallEnded(status.callSid(), status.from(), status.to(), reason, status.at()));
        }
        return Decision.of(new CallEnded(call.callSid(), reason, status.at()));
    }

    private Decision agentLeg(Input.AgentLegStatus status, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.heldBy(status.agentId())) {
            return Decision.NOTHING; // a leg of a claim that is already given back, or of a call that is over
        }
        if (status.status() == TwilioCallStatus.IN_PROGRESS && call.state() == CallState.CLAIMED) {
            return Decision.of(new CallConnected(call.callSid(), call.agentId(), status.legSid(), status.at()));
        }
        if (status.status().isFinal() && call.state() == CallState.CLAIMED) {
            return Decision.of(new ClaimReleased(call.callSid(), call.agentId(), "agent_" + reasonOf(status.status())));
        }
        if (status.status().isFinal() && call.state() == CallState.CONNECTED) {
            // Either side hanging up completes both legs, in either order: the leg doesn't say who it was.
            return Decision.of(new CallEnded(call.callSid(), "completed", status.at()));
        }
        return Decision.NOTHING;
    }

    private Decision dialEnded(Input.DialEnded dial, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.NOTHING;
        }
        boolean talked = dial.status() == TwilioCallStatus.COMPLETED || dial.status() == TwilioCallStatus.ANSWERED;
        if (call.state() == CallState.CLAIMED && !talked) {
            return Decision.of(new ClaimReleased(call.callSid(), call.agentId(), "agent_" + reasonOf(dial.status())));
        }
        if (call.state() == CallState.CONNECTED && dial.status() == TwilioCallStatus.COMPLETED) {
            return Decision.of(new CallEnded(call.callSid(), "completed", dial.at()));
        }
        return Decision.NOTHING;
    }

    private Decision claimExpired(Input.ClaimExpired expired, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.CLAIMED || call.claimDeadline() == null
                || call.claimDeadline().isAfter(expired.at())) {
            return Decision.NOTHING; // answered, given back or ended meanwhile
        }
        // Twilio's own <Dial timeout> should have ended the attempt; its callback is lost or late, so take the
        // caller back from the agent's leg ourselves.
        return Decision.of(List.of(new ClaimReleased(call.callSid(), call.agentId(), "claim_timeout")),
                List.of(new TwilioAction.ReturnToQueue(call.callSid())));
    }

    private Decision connectFailed(Input.ConnectFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.CLAIMED || !call.heldBy(failed.agentId())) {
            return Decision.NOTHING;
        }
        return failed.callGone()
                ? Decision.of(new CallEnded(call.callSid(), "caller_hangup", failed.at()))
                : Decision.of(new ClaimReleased(call.callSid(), call.agentId(), "connect_failed"));
    }

    private static String reasonOf(TwilioCallStatus status) {
        return status.wire().replace('-', '_');
    }
}
