package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.state.core.Fact.AgentUpdated;
import io.switchboard.state.core.Fact.BackInSlot;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallParked;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.CallerGone;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.EndedBeforeItsPark;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.ParkSettled;
import io.switchboard.state.core.Fact.ParkTimedOut;
import io.switchboard.state.core.Fact.ParkUndone;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Decides what an input means: pure, no I/O, the same answer for the same input and situation. The shell loads
 * the situation under the tenant's lock, asks here, and stores the answer.
 *
 * <p>Life of a call: RINGING → CLAIMED (first claim wins) → CONNECTED (the agent's leg answered) → ENDED; a
 * connected call may be PARKED in a slot, from where a retrieve claims it again or its timeout rings it back
 * (the parker first, then everyone). An unanswered claim goes back to RINGING, an unanswered retrieve back to its
 * slot. ENDED is terminal: late, repeated or reordered callbacks never bring a call back, and a decision that
 * changes nothing is {@link Decision#NOTHING}.
 *
 * <p>Life of an agent: online while any gateway reports a connection of theirs, offline a grace period after the
 * last one closed; available or away as they say, busy on a call, in wrap-up for a while after one.
 */
public final class CallDecider {

    /**
     * @param claimTimeout how long a claim may wait for the agent's leg to be answered
     * @param parkTimeout how long a call waits in its slot before it rings back
     * @param parkerRingTime how long a ring-back is offered to the parker alone (zero: to everyone at once)
     * @param wrapUp how long an agent is in wrap-up after a call (zero: available at once)
     * @param offlineGrace how long an agent stays online after their last connection closed
     */
    public record Timing(Duration claimTimeout, Duration parkTimeout, Duration parkerRingTime, Duration wrapUp,
            Duration offlineGrace) {
    }

    private final Timing timing;

    public CallDecider(Timing timing) {
        this.timing = timing;
    }

    public Decision decide(Input input, Situation situation) {
        if (input instanceof Input.RingIncoming ring) {
            return ring(ring, situation);
        } else if (input instanceof Input.Claim claim) {
            return take(claim.agentId(), claim.at(), situation, false);
        } else if (input instanceof Input.Retrieve retrieve) {
            return take(retrieve.agentId(), retrieve.at(), situation, true);
        } else if (input instanceof Input.Hangup hangup) {
            return hangup(hangup, situation);
        } else if (input instanceof Input.Park park) {
            return park(park, situation);
        } else if (input instanceof Input.CallerLegStatus status) {
            return callerLeg(status, situation);
        } else if (input instanceof Input.AgentLegStatus status) {
            return agentLeg(status, situation);
        } else if (input instanceof Input.DialEnded dialEnded) {
            return dialEnded(dialEnded, situation);
        } else if (input instanceof Input.ConferenceUpdate) {
            // What a conference callback says, the agents' legs' own callbacks and Twilio's answers to the actions say
            // too, each tied to the claim or the decision it answers; a conference's events are not.
            return Decision.NOTHING;
        } else if (input instanceof Input.DeadlinePassed passed) {
            return deadlinePassed(passed, situation);
        } else if (input instanceof Input.ConnectFailed failed) {
            return connectFailed(failed, situation);
        } else if (input instanceof Input.ParkConfirmed confirmed) {
            return parkConfirmed(confirmed, situation);
        } else if (input instanceof Input.ParkFailed failed) {
            return parkFailed(failed, situation);
        } else if (input instanceof Input.TwilioRecord record) {
            return twilioRecord(record, situation);
        } else if (input instanceof Input.SetStatus status) {
            return setStatus(status, situation);
        } else if (input instanceof Input.ReviewAgent review) {
            return review(review, situation);
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

    /** A claim of a ringing call or a retrieve of a parked one: the first wins, in the tenant's order. */
    private Decision take(String agentId, Instant at, Situation s, boolean retrieve) {
        CallRecord call = s.call();
        if (call == null || call.callerGone()) {
            return Decision.reject(ErrorCode.CALL_NOT_FOUND, s.ended() || call != null
                    ? "This call is over: the caller hung up or it was answered and finished."
                    : "No such call. Refresh your list of calls.");
        }
        AgentRecord agent = s.agent(agentId).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return Decision.reject(ErrorCode.UNKNOWN_AGENT,
                    "Agent " + agentId + " is not an active agent of this call center.");
        }
        if (call.heldBy(agent.id())) {
            return Decision.NOTHING; // the same agent clicked twice: the claim stands
        }
        if (call.state() == CallState.CLAIMED || call.state() == CallState.CONNECTED) {
            String winner = nameOf(call.agentId(), s);
            return Decision.reject(ErrorCode.ALREADY_CLAIMED, call.slot() != null
                    ? winner + " retrieved this call first." : winner + " answered this call first.");
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, "You are already on a call; finish it before taking another.");
        }
        if (call.state() == CallState.RINGING) {
            if (call.offeredTo() != null && !call.offeredTo().equals(agent.id())) {
                return Decision.reject(ErrorCode.NOT_OFFERED, "This call rings back " + nameOf(call.offeredTo(), s)
                        + ", who parked it; it is offered to everyone if they don't answer.");
            }
            if (call.offeredTo() == null && !agent.available()) {
                return Decision.reject(ErrorCode.NOT_OFFERED, (agent.status() == AgentStatus.WRAP_UP
                        ? "You are wrapping up your last call" : "You are away")
                        + ": set yourself available to take calls.");
            }
        } else if (call.state() != CallState.PARKED) {
            return Decision.reject(ErrorCode.INVALID_STATE, "This call is " + lower(call.state())
                    + ": it cannot be " + (retrieve ? "retrieved." : "claimed."));
        } else if (call.parkUnconfirmed()) {
            // Until Twilio says the caller reached the lot, they may still be talking with the parker: a retrieve
            // now could take a call that never left them, or one whose caller hung up on them meanwhile.
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call is still on its way to the parking lot; retrieve it in a moment.");
        }
        // A ringing call may be "retrieved" (its park timeout rang it back as the agent clicked) and a parked one
        // "claimed": either way the agent wants the call, and it is free for them.
        boolean fromParkingLot = call.state() == CallState.PARKED;
        // The claim's time names the claim in its leg's callbacks (epoch milliseconds) and is compared with the time
        // read back from PostgreSQL, which rounds to microseconds: .688999700 would come back as .689. Whole
        // milliseconds survive the trip, so a claim always recognises its own leg.
        Instant claimedAt = at.truncatedTo(ChronoUnit.MILLIS);
        return Decision.of(List.of(new CallClaimed(call.callSid(), agent.id(), claimedAt,
                        claimedAt.plus(timing.claimTimeout()))),
                List.of(new TwilioAction.ConnectToAgent(call.callSid(), agent.id(), fromParkingLot, claimedAt)));
    }

    private Decision hangup(Input.Hangup hangup, Situation s) {
        CallRecord call = s.call();
        Decision notTheirs = unlessHeld(call, hangup.agentId(), "hang it up");
        if (notTheirs != null) {
            return notTheirs;
        }
        // The call ends when Twilio says so (its status callback), not when we ask: the truth is Twilio's.
        return new Decision(List.of(), List.of(new TwilioAction.EndCall(call.callSid())), null);
    }

    private Decision park(Input.Park park, Situation s) {
        CallRecord call = s.call();
        Decision notTheirs = unlessHeld(call, park.agentId(), "park it");
        if (notTheirs != null) {
            return notTheirs;
        }
        if (call.state() != CallState.CONNECTED) {
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call is " + lower(call.state()) + ": it can be parked once you are talking.");
        }
        ParkingLot lot = s.lot();
        OptionalInt slot = lot.freeSlot();
        if (slot.isEmpty()) {
            return Decision.reject(ErrorCode.PARKING_FULL, "All parking slots (" + lot.first() + "–" + lot.last()
                    + ") are taken; the call stays with you.");
        }
        // Whole milliseconds, like a claim's time: Twilio's confirmation names the park by it.
        Instant parkedAt = park.at().truncatedTo(ChronoUnit.MILLIS);
        return Decision.of(
                List.of(new CallParked(call.callSid(), park.agentId(), slot.getAsInt(), parkedAt,
                        parkedAt.plus(timing.parkTimeout()), wrapUpUntil(parkedAt))),
                List.of(new TwilioAction.ParkCaller(call.callSid(), park.agentId(), parkedAt)));
    }

    private Decision callerLeg(Input.CallerLegStatus status, Situation s) {
        if (!status.status().isFinal()) {
            return Decision.NOTHING;
        }
        CallRecord call = s.call();
        if (call != null && call.parkUnconfirmed()) {
            // The caller's end overtook Twilio's answer to the park (Twilio answers a REST call after its webhooks
            // went out): the caller hung up in the lot if the park went through first, or still talking with the
            // parker if it came too late. Twilio's answer to the park tells which, and ends the call. Found by the
            // fault-injection suite.
            return call.callerGone() ? Decision.NOTHING : Decision.of(new CallerGone(call.callSid(), status.at()));
        }
        String reason = status.status() == TwilioCallStatus.COMPLETED || status.status() == TwilioCallStatus.CANCELED
                ? (call == null || call.state() != CallState.CONNECTED ? "caller_hangup" : "completed")
                : status.status().wire();
        if (call == null) {
            return s.ended() ? Decision.NOTHING
                    : Decision.of(new UnseenCallEnded(status.callSid(), status.from(), status.to(), reason, status.at()));
        }
        return Decision.of(ended(call, reason, status.at()));
    }

    private Decision agentLeg(Input.AgentLegStatus status, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.NOTHING; // the call is over
        }
        if (!call.heldBy(status.agentId())) {
            if (status.claim() != null && status.status() == TwilioCallStatus.IN_PROGRESS
                    && (call.state() == CallState.RINGING || call.state() == CallState.PARKED)) {
                // The agent's phone answered a claim that was given back meanwhile: its deadline passed while this
                // callback waited, or call-state died between giving it back and putting the caller on hold. Twilio
                // may have the caller talking with an agent every screen shows free; take the caller back to where
                // the screens show them (again, if the hold went through: harmless). Found by the fault suite.
                return new Decision(List.of(), List.of(new TwilioAction.HoldCaller(call.callSid(),
                        call.state() == CallState.PARKED)), null);
            }
            return Decision.NOTHING; // a leg of a claim given back, of a parked call, or of another agent's claim
        }
        if (status.claim() != null && call.claimedAt() != null && status.claim() != call.claimedAt().toEpochMilli()) {
            // A late callback of the leg of an earlier claim by the same agent (given back at its deadline while the
            // callback was on its way): it says nothing about the leg ringing now. Found by the fault-injection suite.
            return Decision.NOTHING;
        }
        if (status.status() == TwilioCallStatus.IN_PROGRESS && call.state() == CallState.CLAIMED) {
            return Decision.of(new CallConnected(call.callSid(), call.agentId(), status.legSid(), status.at()));
        }
        if (status.status().isFinal() && call.state() == CallState.CLAIMED) {
            return Decision.of(giveBack(call, "agent_" + reasonOf(status.status()), status.at()));
        }
        if (status.status().isFinal() && call.state() == CallState.CONNECTED) {
            // Either side hanging up completes both legs, in either order: the leg doesn't say who it was.
            return Decision.of(ended(call, "completed", status.at()));
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
            return Decision.of(giveBack(call, "agent_" + reasonOf(dial.status()), dial.at()));
        }
        if (call.state() == CallState.CONNECTED && dial.status() == TwilioCallStatus.COMPLETED) {
            return Decision.of(ended(call, "completed", dial.at()));
        }
        return Decision.NOTHING;
    }

    private Decision deadlinePassed(Input.DeadlinePassed passed, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.deadline() == null || call.deadline().isAfter(passed.at())) {
            return Decision.NOTHING; // answered, retrieved, given back or ended meanwhile
        }
        if (call.state() == CallState.CLAIMED) {
            // Twilio's own <Dial timeout> should have ended the attempt; its callback is lost or late, so take the
            // caller back from the agent's leg ourselves.
            return Decision.of(List.of(giveBack(call, "claim_timeout", passed.at())),
                    List.of(new TwilioAction.HoldCaller(call.callSid(), call.slot() != null)));
        }
        if (call.callerGone()) {
            // The park's answer never came (its action was lost past every retry and takeover): the caller is taken
            // to have been with the parker, as when Twilio says the call was already over.
            return endedBeforeItsPark(call, s, call.endedAt());
        }
        if (call.parkUnconfirmed()) {
            // Twilio has not answered the park yet (its action waits for a replica to take it over): the caller may
            // still be with the parker, and a call that never reached the lot must not ring back. The deadline stays
            // due, so the timeout fires on the first check after the answer.
            return Decision.NOTHING;
        }
        if (call.state() == CallState.PARKED) {
            // The caller stays on hold where they are; only who is asked to take them changes.
            AgentRecord parker = s.agent(call.parkedBy()).orElse(null);
            boolean parkerFirst = !timing.parkerRingTime().isZero() && parker != null && parker.available()
                    && parker.presence() == Presence.ONLINE;
            return Decision.of(parkerFirst
                    ? new ParkTimedOut(call.callSid(), parker.id(), passed.at().plus(timing.parkerRingTime()))
                    : new ParkTimedOut(call.callSid(), null, null));
        }
        if (call.state() == CallState.RINGING && call.offeredTo() != null) {
            return Decision.of(new OfferWidened(call.callSid()));
        }
        return Decision.NOTHING;
    }

    private Decision connectFailed(Input.ConnectFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.CLAIMED || !call.heldBy(failed.agentId())) {
            return Decision.NOTHING;
        }
        return failed.callGone()
                ? Decision.of(ended(call, "caller_hangup", failed.at()))
                : Decision.of(giveBack(call, "connect_failed", failed.at()));
    }

    private Decision parkConfirmed(Input.ParkConfirmed confirmed, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.parkUnconfirmed() || !samePark(call, confirmed.agentId(), confirmed.parkedAt())) {
            return Decision.NOTHING; // retrieved, timed out or ended meanwhile, confirmed before, or an earlier park
        }
        if (call.callerGone()) {
            // The caller reached the lot, then hung up there.
            return Decision.of(List.of(new ParkSettled(call.callSid()),
                    ended(call.parkSettled(), "caller_hangup", call.endedAt())), List.of());
        }
        return Decision.of(new ParkSettled(call.callSid()));
    }

    private Decision parkFailed(Input.ParkFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.parkUnconfirmed() || !samePark(call, failed.agentId(), failed.parkedAt())) {
            // Retrieved or ended meanwhile, an earlier park, or confirmed already: the caller's arrival in the lot
            // (Twilio fetched its wait music) beat a retry of the park whose first attempt went through.
            return Decision.NOTHING;
        }
        if (failed.callGone() && failed.afterTakeOver()) {
            // The process that died may have parked the caller before it died, and the caller hung up in the lot:
            // the lot's word (Twilio fetching its wait music) may still be on its way. Until it comes, or the park
            // timeout passes, the caller's end waits, as when it overtakes the park's answer.
            return call.callerGone() ? Decision.NOTHING : Decision.of(new CallerGone(call.callSid(), failed.at()));
        }
        if (failed.callGone() || call.callerGone()) {
            // The call ended at Twilio while it was still with its agent (the caller or the agent hung up as the
            // agent clicked park).
            return endedBeforeItsPark(call, s, call.callerGone() ? call.endedAt() : failed.at());
        }
        // A parker who took another call meanwhile keeps it: the call stays in its slot, its park settled.
        return Decision.of(parkerFree(call, s) ? new ParkUndone(call.callSid(), failed.agentId())
                : new ParkSettled(call.callSid()));
    }

    /**
     * Twilio's record of a silent call. One that is over at Twilio ends here as its lost final callback would have
     * ended it; one Twilio does not know is taken as over (it will never send a callback about it).
     */
    private Decision twilioRecord(Input.TwilioRecord record, Situation s) {
        TwilioCallStatus status = record.status() == null ? TwilioCallStatus.COMPLETED : record.status();
        if (s.call() == null || !status.isFinal()) {
            return Decision.NOTHING;
        }
        Instant endedAt = record.endedAt() != null ? record.endedAt() : record.at();
        return callerLeg(new Input.CallerLegStatus(record.callSid(), null, null, status, endedAt), s);
    }

    /** A parked call ended at Twilio before Twilio took it to the lot: the stay never happened. */
    private Decision endedBeforeItsPark(CallRecord call, Situation s, Instant at) {
        // The call ended as the parker's conversation; a parker who took another call meanwhile stays on it.
        return parkerFree(call, s)
                ? Decision.of(List.of(new ParkUndone(call.callSid(), call.parkedBy()),
                        ended(call.unparked(), "completed", at)), List.of())
                : Decision.of(new EndedBeforeItsPark(call.callSid(), at));
    }

    /** Whether a park's answer is about the call's park; an action stored without the park's time matches any. */
    private static boolean samePark(CallRecord call, String agentId, Instant parkedAt) {
        return agentId.equals(call.parkedBy()) && (parkedAt == null || parkedAt.equals(call.parkedAt()));
    }

    private static boolean parkerFree(CallRecord call, Situation s) {
        return s.agent(call.parkedBy()).map(a -> !a.onACall()).orElse(false);
    }

    private Decision setStatus(Input.SetStatus set, Situation s) {
        AgentRecord agent = s.agent(set.agentId()).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return Decision.reject(ErrorCode.UNKNOWN_AGENT,
                    "Agent " + set.agentId() + " is not an active agent of this call center.");
        }
        if (set.status() != AgentStatus.AVAILABLE && set.status() != AgentStatus.AWAY) {
            return Decision.reject(ErrorCode.BAD_REQUEST,
                    "Set yourself available or away; busy and wrap-up follow from calls.");
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, "You are on a call; set your status once it is over.");
        }
        if (agent.status() == set.status()) {
            return Decision.NOTHING;
        }
        // Setting a status ends wrap-up early: the agent says they are done.
        return Decision.of(new AgentUpdated(agent.withStatus(set.status())));
    }

    private Decision review(Input.ReviewAgent review, Situation s) {
        AgentRecord before = s.agent(review.agentId()).orElse(null);
        if (before == null) {
            return Decision.NOTHING;
        }
        AgentRecord after = before;
        Instant now = review.at();
        if (review.openConnections() > 0) {
            after = after.withPresence(Presence.ONLINE, null);
        } else if (after.presence() == Presence.ONLINE) {
            if (after.offlineAt() == null && !timing.offlineGrace().isZero() && !review.timedOut()) {
                // A reload or a network blip closes the last tab for a moment: don't flicker offline for it.
                after = after.withPresence(Presence.ONLINE, now.plus(timing.offlineGrace()));
            } else if (after.offlineAt() == null || !after.offlineAt().isAfter(now)) {
                after = after.withPresence(Presence.OFFLINE, null);
            }
        }
        if (after.status() == AgentStatus.WRAP_UP && after.wrapUpUntil() != null
                && !after.wrapUpUntil().isAfter(now)) {
            after = after.withStatus(AgentStatus.AVAILABLE);
        }
        return after.equals(before) ? Decision.NOTHING : Decision.of(new AgentUpdated(after));
    }

    /** Null when the agent holds the call; otherwise why they may not {@code act} on it. */
    private static Decision unlessHeld(CallRecord call, String agentId, String act) {
        if (call == null) {
            return Decision.reject(ErrorCode.CALL_NOT_FOUND, "This call is already over.");
        }
        if (!call.heldBy(agentId)) {
            return Decision.reject(ErrorCode.NOT_YOUR_CALL, "Only the agent on a call can " + act + ".");
        }
        return null;
    }

    /** An unanswered claim rings everyone again; an unanswered retrieve waits in its slot again. */
    private Fact giveBack(CallRecord call, String reason, Instant at) {
        return call.slot() != null
                ? new BackInSlot(call.callSid(), call.agentId(), at.plus(timing.parkTimeout()))
                : new ClaimReleased(call.callSid(), call.agentId(), reason);
    }

    /** The agent who talked on the call wraps up; one whose phone only rang does not. */
    private CallEnded ended(CallRecord call, String reason, Instant at) {
        return new CallEnded(call.callSid(), reason, at,
                call.state() == CallState.CONNECTED ? wrapUpUntil(at) : null);
    }

    private Instant wrapUpUntil(Instant at) {
        return timing.wrapUp().isZero() ? null : at.plus(timing.wrapUp());
    }

    private static String nameOf(String agentId, Situation s) {
        return s.agent(agentId).map(AgentRecord::name).orElse(agentId);
    }

    private static String lower(CallState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static String reasonOf(TwilioCallStatus status) {
        return status.wire().replace('-', '_');
    }
}
