package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.state.core.Fact.AgentAnswered;
import io.switchboard.state.core.Fact.AgentDialed;
import io.switchboard.state.core.Fact.AgentUpdated;
import io.switchboard.state.core.Fact.BackInSlot;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallHeld;
import io.switchboard.state.core.Fact.CallParked;
import io.switchboard.state.core.Fact.CallPlaced;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.CallTransferred;
import io.switchboard.state.core.Fact.CallUnheld;
import io.switchboard.state.core.Fact.CallerGone;
import io.switchboard.state.core.Fact.CallerJoined;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.ConsultConnected;
import io.switchboard.state.core.Fact.ConsultEnded;
import io.switchboard.state.core.Fact.ConsultOffered;
import io.switchboard.state.core.Fact.ConsultTaken;
import io.switchboard.state.core.Fact.EndedBeforeItsPark;
import io.switchboard.state.core.Fact.NumberCalled;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.OverflowUndone;
import io.switchboard.state.core.Fact.ParkSettled;
import io.switchboard.state.core.Fact.ParkTimedOut;
import io.switchboard.state.core.Fact.ParkUndone;
import io.switchboard.state.core.Fact.TransferCompleted;
import io.switchboard.state.core.Fact.TransferRangBack;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import io.switchboard.state.core.Fact.VoicemailClosed;
import io.switchboard.state.core.Fact.VoicemailLeft;
import io.switchboard.state.core.Fact.VoicemailTaken;
import io.switchboard.state.core.Fact.WaitLimitReached;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Function;

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
 * <p>A call an agent places ({@link Input.Dial}) is CLAIMED by them from the start: their phone rings, then the
 * number; it is CONNECTED once the number answers, and ENDED if either does not.
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
     * @param transferRingTime how long a transfer rings its target alone, then the transferring agent alone
     * @param dialTimeout how long the number an agent calls may ring before the call ends unanswered
     * @param maxWait how long a caller waits for an agent before voicemail, for a tenant that set no limit of its own
     */
    public record Timing(Duration claimTimeout, Duration parkTimeout, Duration parkerRingTime, Duration wrapUp,
            Duration offlineGrace, Duration transferRingTime, Duration dialTimeout, Duration maxWait) {
    }

    /**
     * How long after a parked caller's end the lot's word (Twilio fetched its wait music: the caller was there) may
     * still come. It travels through call-ingest, Kafka and call-state's consumer, and a call-state restart (its
     * consumer rejoining the group) or a Kafka outage holds it back for tens of seconds.
     */
    static final Duration LOT_WORD_WAIT = Duration.ofSeconds(60);

    /** How long Twilio's answer about a number that rang past its time is waited for before asking again. */
    static final Duration NUMBER_ASK_WAIT = Duration.ofSeconds(10);

    private final Timing timing;

    public CallDecider(Timing timing) {
        this.timing = timing;
    }

    public Decision decide(Input input, Situation situation) {
        if (input instanceof Input.RingIncoming ring) {
            return ring(ring, situation);
        } else if (input instanceof Input.Dial dial) {
            return dial(dial, situation);
        } else if (input instanceof Input.Claim claim) {
            return take(claim.agentId(), claim.at(), situation, false);
        } else if (input instanceof Input.Retrieve retrieve) {
            return take(retrieve.agentId(), retrieve.at(), situation, true);
        } else if (input instanceof Input.Hangup hangup) {
            return hangup(hangup, situation);
        } else if (input instanceof Input.Park park) {
            return park(park, situation);
        } else if (input instanceof Input.Hold hold) {
            return hold(hold, situation);
        } else if (input instanceof Input.Transfer transfer) {
            return transfer(transfer, situation);
        } else if (input instanceof Input.EndConsult end) {
            return endConsult(end, situation);
        } else if (input instanceof Input.CallerLegStatus status) {
            return callerLeg(status, situation);
        } else if (input instanceof Input.AgentLegStatus status) {
            return agentLeg(status, situation);
        } else if (input instanceof Input.NumberLegStatus status) {
            return numberLeg(status, situation);
        } else if (input instanceof Input.DialEnded dialEnded) {
            return dialEnded(dialEnded, situation);
        } else if (input instanceof Input.DeadlinePassed passed) {
            return deadlinePassed(passed, situation);
        } else if (input instanceof Input.ConnectFailed failed) {
            return connectFailed(failed, situation);
        } else if (input instanceof Input.AgentDialed dialed) {
            return agentDialed(dialed, situation);
        } else if (input instanceof Input.CallerJoined joined) {
            return callerJoined(joined, situation);
        } else if (input instanceof Input.CallerWaiting waiting) {
            return callerWaiting(situation);
        } else if (input instanceof Input.AgentLeft left) {
            return agentLeft(left, situation);
        } else if (input instanceof Input.ColleagueLeft left) {
            return colleagueLeft(left, situation);
        } else if (input instanceof Input.MoveFailed failed) {
            return moveFailed(failed, situation);
        } else if (input instanceof Input.HoldFailed failed) {
            return holdFailed(failed, situation);
        } else if (input instanceof Input.ParkConfirmed confirmed) {
            return parkConfirmed(confirmed, situation);
        } else if (input instanceof Input.ParkFailed failed) {
            return parkFailed(failed, situation);
        } else if (input instanceof Input.TwilioRecord record) {
            return twilioRecord(record, situation);
        } else if (input instanceof Input.OverflowFailed failed) {
            return overflowFailed(failed, situation);
        } else if (input instanceof Input.ForwardEnded ended) {
            return forwardEnded(ended, situation);
        } else if (input instanceof Input.VoicemailRecorded recorded) {
            return voicemailRecorded(recorded, situation);
        } else if (input instanceof Input.TakeVoicemail take) {
            return takeVoicemail(take, situation);
        } else if (input instanceof Input.VoicemailDone done) {
            return voicemailDone(done, situation);
        } else if (input instanceof Input.SetStatus status) {
            return setStatus(status, situation);
        } else if (input instanceof Input.ReviewAgent review) {
            return review(review, situation);
        } else if (input instanceof Input.SignOut signOut) {
            return signOut(signOut, situation);
        } else if (input instanceof Input.Administer administer) {
            return TenantAdmin.decide(administer, situation.tenantId(), situation.setup());
        }
        throw new IllegalArgumentException("No rule for " + input);
    }

    private Decision ring(Input.RingIncoming ring, Situation s) {
        if (s.call() != null || s.ended()) {
            return Decision.NOTHING; // Twilio retried the webhook, or the caller already left
        }
        if (TwilioEvent.CallIncoming.MESSAGE.equals(ring.afterHours())) {
            // The caller hears the tenant's closed message and is hung up: no agent is ever offered the call.
            return Decision.of(new UnseenCallEnded(ring.callSid(), ring.from(), ring.to(), CallRecord.AFTER_HOURS,
                    ring.at()));
        }
        if (TwilioEvent.CallIncoming.VOICEMAIL.equals(ring.afterHours())) {
            return Decision.of(new CallRang(CallRecord.afterHours(ring.callSid(), s.tenantId(), ring.from(), ring.to(),
                    ring.at())));
        }
        return Decision.of(new CallRang(CallRecord.ringing(ring.callSid(), s.tenantId(), ring.from(), ring.to(),
                ring.at(), waitUntil(ring.at(), s))));
    }

    /** When a caller who starts waiting at {@code at} reaches the tenant's wait limit. */
    private Instant waitUntil(Instant at, Situation s) {
        return at.truncatedTo(ChronoUnit.MILLIS).plus(own(s, TenantRules::maxWait, timing.maxWait()));
    }

    /**
     * An agent places a call: their phone rings into the call's conference, and once they answer Twilio calls the
     * number, showing the tenant's number.
     */
    private Decision dial(Input.Dial dial, Situation s) {
        if (s.call() != null || s.ended()) {
            return Decision.NOTHING; // the same command again
        }
        AgentRecord agent = s.agent(dial.agentId()).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return notAnActiveAgent(dial.agentId());
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY,
                    "You are already on a call; finish it before placing another.");
        }
        OptionalInt country = Dialing.countryCode(dial.number());
        if (country.isEmpty()) {
            return Decision.reject(ErrorCode.INVALID_NUMBER, "'" + dial.number() + "' is not a phone number in"
                    + " international format: a + and the country code, then the number, e.g. +14155550123.");
        }
        Dialing dialing = s.dialing();
        if (dialing == null || dialing.callerId() == null) {
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call center has no phone number to call from; an administrator must add one.");
        }
        if (!dialing.allows(country.getAsInt())) {
            return Decision.reject(ErrorCode.NUMBER_NOT_ALLOWED,
                    "This call center may not call numbers of country code +" + country.getAsInt() + ".");
        }
        // Whole milliseconds, like a claim's time: the agent's leg's callbacks name the call's placing by it.
        Instant at = dial.at().truncatedTo(ChronoUnit.MILLIS);
        return Decision.of(List.of(new CallPlaced(CallRecord.placed(dial.callSid(), s.tenantId(), dialing.callerId(),
                        dial.number(), agent.id(), at, at.plus(timing.claimTimeout())))),
                List.of(new TwilioAction.PlaceCall(dial.callSid(), agent.id(), dialing.callerId(), dial.number(), at)));
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
            return notAnActiveAgent(agentId);
        }
        if (call.heldBy(agent.id()) || agent.id().equals(call.consultWith())) {
            return Decision.NOTHING; // the same agent clicked twice: the claim stands
        }
        if (call.state() == CallState.CONNECTED && agent.id().equals(call.consultant())) {
            return takeConsult(call, agent, at, s);
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
                String who = call.transferredBy() == null ? "back " + nameOf(call.offeredTo(), s) + ", who parked it"
                        : call.offeredTo().equals(call.transferredBy())
                        ? "back " + nameOf(call.offeredTo(), s) + ", who transferred it"
                        : "for " + nameOf(call.offeredTo(), s) + ", to whom " + nameOf(call.transferredBy(), s)
                                + " transferred it";
                return Decision.reject(ErrorCode.NOT_OFFERED, "This call rings " + who
                        + "; it is offered to everyone if they don't answer.");
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
        // The claim's time names the claim in its leg's callbacks (epoch milliseconds) and is compared with the time
        // read back from PostgreSQL, which rounds to microseconds: .688999700 would come back as .689. Whole
        // milliseconds survive the trip, so a claim always recognises its own leg.
        Instant claimedAt = at.truncatedTo(ChronoUnit.MILLIS);
        return Decision.of(List.of(new CallClaimed(call.callSid(), agent.id(), claimedAt,
                        claimedAt.plus(timing.claimTimeout()))),
                List.of(new TwilioAction.ConnectToAgent(call.callSid(), agent.id(), call.from(), claimedAt)));
    }

    private Decision hangup(Input.Hangup hangup, Situation s) {
        CallRecord call = s.call();
        Decision notTheirs = unlessHeld(call, hangup.agentId(), "hang it up");
        if (notTheirs != null) {
            return notTheirs;
        }
        if (call.outbound() && call.state() == CallState.CLAIMED) {
            // No conference to end until the agent answered; their leg's leaving ends it after.
            return call.agentLegSid() == null ? Decision.reject(ErrorCode.INVALID_STATE,
                    "Twilio is still calling your phone; decline it there, or hang up in a moment.")
                    : new Decision(List.of(), List.of(new TwilioAction.EndCall(call.agentLegSid())), null);
        }
        // The call ends when Twilio says so (its status callback), not when we ask: the truth is Twilio's.
        return new Decision(List.of(), List.of(new TwilioAction.EndCall(call.callSid())), null);
    }

    private Decision park(Input.Park park, Situation s) {
        CallRecord call = s.call();
        Decision notNow = unlessMovable(call, park.agentId(), "park it", "parked", s);
        if (notNow != null) {
            return notNow;
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
                        parkedAt.plus(parkTimeout(s)), wrapUpUntil(parkedAt, s))),
                List.of(new TwilioAction.ParkCaller(call.callSid(), park.agentId(), parkedAt)));
    }

    /** The agent on the call puts the caller on hold in the conference, or takes them off it. */
    private Decision hold(Input.Hold hold, Situation s) {
        CallRecord call = s.call();
        Decision notTheirs = unlessHeld(call, hold.agentId(),
                hold.onHold() ? "put the caller on hold" : "take the caller off hold");
        if (notTheirs != null) {
            return notTheirs;
        }
        if (call.state() != CallState.CONNECTED) {
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call is " + lower(call.state()) + ": a caller can be put on hold once you are talking.");
        }
        if (call.consultant() != null) {
            return consultUnderWay(call, s);
        }
        if (call.onHold() == hold.onHold()) {
            return Decision.NOTHING; // clicked twice, or on two screens
        }
        return Decision.of(List.of(hold.onHold() ? new CallHeld(call.callSid(), hold.at().truncatedTo(ChronoUnit.MILLIS))
                        : new CallUnheld(call.callSid())),
                List.of(new TwilioAction.HoldInConference(call.callSid(), hold.onHold())));
    }

    /**
     * The agent on the call transfers it to a colleague who can take it now: the caller waits in the queue, hearing the
     * wait music, the call rings for the colleague alone, and the transferring agent is free at once.
     */
    private Decision transfer(Input.Transfer transfer, Situation s) {
        CallRecord call = s.call();
        Decision notNow = unlessMovable(call, transfer.agentId(), "transfer it", "transferred", s);
        if (notNow != null) {
            return notNow;
        }
        if (transfer.to().equals(transfer.agentId())) {
            return Decision.reject(ErrorCode.BAD_REQUEST, "Transfer the call to a colleague, not to yourself.");
        }
        AgentRecord target = s.agent(transfer.to()).filter(AgentRecord::active).orElse(null);
        if (target == null) {
            return notAnActiveAgent(transfer.to());
        }
        String busy = target.presence() != Presence.ONLINE ? "offline"
                : target.onACall() ? "on a call"
                : target.status() == AgentStatus.AWAY ? "away"
                : target.status() == AgentStatus.WRAP_UP ? "wrapping up their last call" : null;
        if (busy != null) {
            return Decision.reject(ErrorCode.TARGET_UNAVAILABLE,
                    target.name() + " is " + busy + "; transfer the call to someone available.");
        }
        Instant at = transfer.at().truncatedTo(ChronoUnit.MILLIS);
        if (transfer.warm()) {
            return Decision.of(List.of(new ConsultOffered(call.callSid(), target.id(), at,
                            at.plus(timing.transferRingTime()))),
                    List.of(new TwilioAction.StartConsult(call.callSid(), transfer.agentId())));
        }
        return Decision.of(List.of(new CallTransferred(call.callSid(), transfer.agentId(), target.id(),
                        at.plus(timing.transferRingTime()), waitUntil(at, s))),
                List.of(new TwilioAction.HoldCaller(call.callSid(), false)));
    }

    /**
     * Null when the agent may move the caller elsewhere ({@code done}: parked, transferred): they hold the call, talk
     * on it, and no transfer of it is under way; otherwise why not. A call an agent placed has no Twilio call of its
     * own to move (it is two legs in a conference): it can be held and hung up, not moved.
     */
    private static Decision unlessMovable(CallRecord call, String agentId, String act, String done, Situation s) {
        Decision notTheirs = unlessHeld(call, agentId, act);
        if (notTheirs != null) {
            return notTheirs;
        }
        if (call.state() != CallState.CONNECTED) {
            return Decision.reject(ErrorCode.INVALID_STATE,
                    "This call is " + lower(call.state()) + ": it can be " + done + " once you are talking.");
        }
        if (call.outbound()) {
            return Decision.reject(ErrorCode.INVALID_STATE, "A call you placed can be put on hold and hung up, not "
                    + done + ".");
        }
        return call.consultant() != null ? consultUnderWay(call, s) : null;
    }

    private static Decision consultUnderWay(CallRecord call, Situation s) {
        return Decision.reject(ErrorCode.INVALID_STATE, "You are transferring this call to "
                + nameOf(call.consultant(), s) + ": complete or cancel the transfer first.");
    }

    /** The colleague takes the consult offered to them: their phone rings into the conference. */
    private Decision takeConsult(CallRecord call, AgentRecord colleague, Instant at, Situation s) {
        if (colleague.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, "You are already on a call; finish it before taking another.");
        }
        Instant takenAt = at.truncatedTo(ChronoUnit.MILLIS);
        return Decision.of(List.of(new ConsultTaken(call.callSid(), colleague.id(), takenAt.plus(timing.claimTimeout()))),
                List.of(new TwilioAction.Consult(call.callSid(), call.agentId(), colleague.id(), call.from(), takenAt)));
    }

    /** The agent who started a warm transfer hands the caller over, or takes them back. */
    private Decision endConsult(Input.EndConsult end, Situation s) {
        CallRecord call = s.call();
        Decision notTheirs = unlessHeld(call, end.agentId(),
                end.complete() ? "complete its transfer" : "cancel its transfer");
        if (notTheirs != null) {
            return notTheirs;
        }
        String colleague = call.consultant();
        if (call.state() != CallState.CONNECTED || colleague == null) {
            return Decision.reject(ErrorCode.INVALID_STATE, "No transfer of this call is under way.");
        }
        if (!end.complete()) {
            return consultEnded(call, colleague);
        }
        if (!talking(colleague, call, s)) {
            return Decision.reject(ErrorCode.INVALID_STATE, nameOf(colleague, s)
                    + " has not answered yet: wait for them, or cancel the transfer.");
        }
        return handedOver(call, colleague, end.at(), s);
    }

    /** The consult is over and the caller back with the agent: Twilio takes the colleague out, if they were in. */
    private static Decision consultEnded(CallRecord call, String colleague) {
        return Decision.of(List.of(new ConsultEnded(call.callSid(), colleague)),
                List.of(new TwilioAction.CancelConsult(call.callSid(), call.agentId(), colleague)));
    }

    private Decision handedOver(CallRecord call, String colleague, Instant at, Situation s) {
        return Decision.of(List.of(new TransferCompleted(call.callSid(), call.agentId(), colleague,
                        wrapUpUntil(at, s))),
                List.of(new TwilioAction.CompleteTransfer(call.callSid(), call.agentId(), colleague)));
    }

    /** Whether the colleague's phone answered the consult: they are on this call. */
    private static boolean talking(String colleague, CallRecord call, Situation s) {
        return s.agent(colleague).map(a -> call.callSid().equals(a.currentCallSid())).orElse(false);
    }

    /** Twilio refused a hold or its end: the screens go back to what the caller hears. */
    private Decision holdFailed(Input.HoldFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.CONNECTED || call.onHold() != failed.onHold()) {
            return Decision.NOTHING; // over, parked, or the agent changed their mind since
        }
        return Decision.of(failed.onHold() ? new CallUnheld(call.callSid()) : new CallHeld(call.callSid(), failed.at()));
    }

    private Decision callerLeg(Input.CallerLegStatus status, Situation s) {
        if (!status.status().isFinal()) {
            return Decision.NOTHING;
        }
        CallRecord call = s.call();
        if (call != null && call.parkUnconfirmed()) {
            // The caller's end overtook Twilio's answer to the park (Twilio answers a REST call after its webhooks
            // went out): the caller hung up in the lot if the park went through first, or still talking with the
            // parker if it came too late. Twilio's answer to the park tells which, and ends the call.
            return call.callerGone() ? Decision.NOTHING : Decision.of(new CallerGone(call.callSid(), status.at()));
        }
        String reason = status.status() == TwilioCallStatus.COMPLETED || status.status() == TwilioCallStatus.CANCELED
                ? (call == null || !call.talkingOrOverflowed() ? "caller_hangup" : "completed")
                : status.status().wire();
        if (call == null) {
            return s.ended() ? Decision.NOTHING
                    : Decision.of(new UnseenCallEnded(status.callSid(), status.from(), status.to(), reason, status.at()));
        }
        if (call.transferUnconfirmed()) {
            // The caller's end overtook Twilio's answer to their move out of the conference, as it can a park's: they
            // hung up waiting if the move went through, or were still with the transferring agent, whose leaving
            // ended the call, if it came too late. The move's answer tells which.
            return call.callerGone() ? Decision.NOTHING : Decision.of(new CallerGone(call.callSid(), status.at()));
        }
        if (call.state() == CallState.CLAIMED && call.agentLegSid() != null) {
            // Twilio keeps ringing an agent into a conference the caller left before it started.
            return Decision.of(List.of(ended(call, reason, status.at(), s)),
                    List.of(TwilioAction.EndCall.agentLeg(call.agentLegSid(), call.callSid())));
        }
        if (call.state() == CallState.VOICEMAIL) {
            // The message's own callback usually comes a moment later; should Twilio give it up, its answer to this
            // question stores the voicemail all the same.
            return Decision.of(List.of(ended(call, reason, status.at(), s)),
                    List.of(new TwilioAction.FindVoicemail(call.callSid(), call.from(), call.to())));
        }
        return Decision.of(ended(call, reason, status.at(), s));
    }

    private Decision agentLeg(Input.AgentLegStatus status, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.NOTHING; // the call is over
        }
        if (call.consultWith() != null && call.consultWith().equals(status.agentId())) {
            return consultLeg(status, call, s);
        }
        if (!call.heldBy(status.agentId())) {
            if (status.claim() != null && status.status() == TwilioCallStatus.IN_PROGRESS
                    && (call.state() == CallState.RINGING || call.state() == CallState.PARKED)) {
                // The agent's phone answered a claim that was given back meanwhile: its deadline passed while this
                // callback waited, or call-state died between giving it back and putting the caller on hold. Twilio
                // may have the caller talking with an agent every screen shows free; take the caller back to where
                // the screens show them (again, if the hold went through: harmless).
                return new Decision(List.of(), List.of(
                        new TwilioAction.HoldCaller(call.callSid(), call.state() == CallState.PARKED),
                        TwilioAction.EndCall.agentLeg(status.legSid(), call.callSid())), null);
            }
            return strayLeg(status); // a leg of a claim given back, of a parked call, or of another agent's claim
        }
        if (status.claim() != null && call.claimedAt() != null && status.claim() != call.claimedAt().toEpochMilli()) {
            // A late callback of the leg of an earlier claim by the same agent (given back at its deadline while the
            // callback was on its way): it says nothing about the leg ringing now.
            return strayLeg(status);
        }
        if (call.outbound() && call.state() == CallState.CLAIMED) {
            return placingAgentsLeg(status, call, s);
        }
        if (status.status() == TwilioCallStatus.IN_PROGRESS && call.state() == CallState.CLAIMED) {
            if (call.answeredBeforeTheCaller()) {
                return Decision.NOTHING; // the same answer again
            }
            // The agent's answer connects the call only once Twilio said the caller is in the conference (the two
            // requests go at once): by the caller's join, or by its answer to the connect. A caller who hung up
            // meanwhile never talked with the agent, who answered into an empty conference.
            return call.agentLegSid() == null && call.callerJoinedAt() == null
                    ? Decision.of(new AgentAnswered(call.callSid(), status.legSid(), status.at()))
                    : Decision.of(new CallConnected(call.callSid(), call.agentId(), status.legSid(), status.at()));
        }
        if (status.status().isFinal() && call.state() == CallState.CLAIMED) {
            Fact givenBack = giveBack(call, "agent_" + reasonOf(status.status()), status.at(), s);
            // The agent's phone did not answer: the caller waits in the conference for an agent who will not come,
            // and goes back to the queue, or the slot. A leg Twilio cancelled went with the conference: the caller
            // hung up.
            return status.status() == TwilioCallStatus.CANCELED ? Decision.of(givenBack)
                    : Decision.of(List.of(givenBack),
                            List.of(new TwilioAction.HoldCaller(call.callSid(), call.slot() != null)));
        }
        if (status.status().isFinal() && call.state() == CallState.CONNECTED && call.consultant() != null) {
            return consultantLeftAlone(call, call.consultant(), status.at(), s);
        }
        if (status.status().isFinal() && call.state() == CallState.CONNECTED) {
            // Either side hanging up completes both legs, in either order: the leg doesn't say who it was.
            return Decision.of(ended(call, "completed", status.at(), s));
        }
        return Decision.NOTHING;
    }

    /**
     * The leg of the agent who placed the call, before the number answered: their answer has Twilio call the number;
     * their phone not answering, or their hanging up while the number rings, ends the call.
     */
    private Decision placingAgentsLeg(Input.AgentLegStatus status, CallRecord call, Situation s) {
        if (status.status() == TwilioCallStatus.IN_PROGRESS) {
            return call.numberRinging() ? Decision.NOTHING // the same answer again
                    : Decision.of(List.of(new NumberCalled(call.callSid(), status.legSid(), status.at(),
                                    status.at().plus(timing.dialTimeout()))),
                            List.of(new TwilioAction.CallNumber(call.callSid(), call.agentId(), call.from(),
                                    call.to())));
        }
        if (status.status().isFinal()) {
            // A number that answers after this is hung up (numberLeg).
            return Decision.of(ended(call, call.numberRinging() ? "canceled" : "agent_" + reasonOf(status.status()),
                    status.at(), s));
        }
        return Decision.NOTHING;
    }

    /**
     * Hangs up the leg of the agent who placed a call, once Twilio named it: it ends the call's conference, and the
     * number's leg with it.
     */
    private static List<TwilioAction> hangUpPlacingAgent(CallRecord call) {
        return call.agentLegSid() == null ? List.of() : List.of(new TwilioAction.EndCall(call.agentLegSid()));
    }

    /**
     * The leg that calls the number of a call an agent placed: answered, the call is connected; not answered, it is
     * over, and the agent's leg waiting in the conference is hung up. A number that answers a call already over is hung
     * up.
     */
    private Decision numberLeg(Input.NumberLegStatus status, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return status.status() == TwilioCallStatus.IN_PROGRESS
                    ? new Decision(List.of(), List.of(new TwilioAction.EndCall(status.legSid())), null)
                    : Decision.NOTHING;
        }
        if (call.state() == CallState.CLAIMED && status.status() == TwilioCallStatus.IN_PROGRESS) {
            return Decision.of(new CallConnected(call.callSid(), call.agentId(), call.agentLegSid(), status.at()));
        }
        if (call.state() == CallState.CLAIMED && status.status().isFinal()) {
            return Decision.of(List.of(ended(call, reasonOf(status.status()), status.at(), s)),
                    hangUpPlacingAgent(call));
        }
        if (status.status().isFinal()) {
            return Decision.of(ended(call, "completed", status.at(), s));
        }
        return Decision.NOTHING;
    }

    /**
     * A leg of a claim that is not the call's now, answered: it joined the call's conference, where the caller may be
     * with another agent or arrive later. It is hung up.
     */
    private static Decision strayLeg(Input.AgentLegStatus status) {
        return status.claim() != null && status.status() == TwilioCallStatus.IN_PROGRESS
                ? new Decision(List.of(), List.of(TwilioAction.EndCall.agentLeg(status.legSid(), status.callSid())),
                        null)
                : Decision.NOTHING;
    }

    /** The leg of the colleague a warm transfer consults: they answered, or they are gone and the consult with them. */
    private Decision consultLeg(Input.AgentLegStatus status, CallRecord call, Situation s) {
        if (status.status() == TwilioCallStatus.IN_PROGRESS && !talking(call.consultWith(), call, s)) {
            return Decision.of(new ConsultConnected(call.callSid(), call.consultWith(), status.legSid(),
                    status.at()));
        }
        return status.status().isFinal() ? consultEnded(call, call.consultWith()) : Decision.NOTHING;
    }

    /**
     * The agent who started a warm transfer hung up (their leaving does not end the conference during a consult): the
     * colleague who answered has the caller; one who has not is handed the call as a cold transfer, the caller waiting
     * in the queue. Either way the caller is not dropped.
     */
    private Decision consultantLeftAlone(CallRecord call, String colleague, Instant at, Situation s) {
        if (talking(colleague, call, s)) {
            return handedOver(call, colleague, at, s);
        }
        List<Fact> facts = new ArrayList<>();
        if (call.consultWith() != null) {
            facts.add(new ConsultEnded(call.callSid(), colleague));
        }
        facts.add(new CallTransferred(call.callSid(), call.agentId(), colleague, at.plus(timing.transferRingTime()),
                waitUntil(at, s)));
        return Decision.of(facts, List.of(new TwilioAction.HoldCaller(call.callSid(), false)));
    }

    private Decision dialEnded(Input.DialEnded dial, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return Decision.NOTHING;
        }
        boolean talked = dial.status() == TwilioCallStatus.COMPLETED || dial.status() == TwilioCallStatus.ANSWERED;
        if (call.state() == CallState.CLAIMED && !talked) {
            return Decision.of(giveBack(call, "agent_" + reasonOf(dial.status()), dial.at(), s));
        }
        if (call.state() == CallState.CONNECTED && dial.status() == TwilioCallStatus.COMPLETED) {
            return Decision.of(ended(call, "completed", dial.at(), s));
        }
        return Decision.NOTHING;
    }

    private Decision deadlinePassed(Input.DeadlinePassed passed, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.deadline() == null || call.deadline().isAfter(passed.at())) {
            return Decision.NOTHING; // answered, retrieved, given back or ended meanwhile
        }
        if (call.state() == CallState.CONNECTED && call.consultant() != null) {
            // The colleague did not take the consult, or their phone did not answer: the caller is back with the agent.
            return consultEnded(call, call.consultant());
        }
        if (call.numberRinging()) {
            // Twilio's own timeout should have ended the number's ringing, but its callback is lost or late; so may be
            // the one saying the number answered, and the two talk now. Twilio is asked (its answer is the number
            // leg's status), and asked again if it does not answer.
            return Decision.of(List.of(new Fact.NumberChecked(call.callSid(), passed.at().plus(NUMBER_ASK_WAIT))),
                    List.of(new TwilioAction.CheckNumber(call.callSid())));
        }
        if (call.state() == CallState.CLAIMED && call.outbound()) {
            // Twilio's own timeout should have ended the agent's phone ringing; its callback is lost or late. Hanging up
            // the agent's leg ends the attempt; a number is only called once they answered.
            return Decision.of(List.of(ended(call, "agent_no_answer", passed.at(), s)), hangUpPlacingAgent(call));
        }
        if (call.state() == CallState.CLAIMED) {
            // The agent's leg's own timeout should have ended the attempt; its callback is lost or late, so take the
            // caller back from the conference, and hang the leg up, ourselves.
            List<Fact> facts = new ArrayList<>(List.of(giveBack(call, "claim_timeout", passed.at(), s)));
            List<TwilioAction> actions = new ArrayList<>();
            if (call.slot() == null && call.waitedPastTheLimit(passed.at())) {
                // The caller has waited past the limit already: not back to the queue, but on to what follows it.
                Decision overflow = overflow(call, s);
                facts.addAll(overflow.facts());
                actions.addAll(overflow.actions());
            } else {
                actions.add(new TwilioAction.HoldCaller(call.callSid(), call.slot() != null));
            }
            if (call.agentLegSid() != null) {
                actions.add(TwilioAction.EndCall.agentLeg(call.agentLegSid(), call.callSid()));
            }
            return Decision.of(facts, actions);
        }
        if (call.callerGone() && call.transferUnconfirmed()) {
            return Decision.NOTHING; // the move's answer says how the call ended; the deadline stays due until then
        }
        if (call.callerGone()) {
            if (passed.at().isBefore(call.endedAt().plus(LOT_WORD_WAIT))) {
                // The caller may have hung up in the lot, and Twilio's word that they reached it lag behind their
                // end. The deadline stays due, so this is asked again on the next check.
                return Decision.NOTHING;
            }
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
            Duration parkerRingTime = own(s, TenantRules::parkerRingTime, timing.parkerRingTime());
            boolean parkerFirst = !parkerRingTime.isZero() && parker != null && parker.available()
                    && parker.presence() == Presence.ONLINE;
            return Decision.of(parkerFirst
                    ? new ParkTimedOut(call.callSid(), parker.id(), passed.at().plus(parkerRingTime),
                            waitUntil(passed.at(), s))
                    : new ParkTimedOut(call.callSid(), null, null, waitUntil(passed.at(), s)));
        }
        if (call.state() == CallState.RINGING && call.waitedPastTheLimit(passed.at())) {
            return overflow(call, s);
        }
        if (call.state() == CallState.RINGING && call.offeredTo() != null) {
            if (call.transferredBy() != null && !call.offeredTo().equals(call.transferredBy())) {
                // The colleague did not answer the transfer: it rings back the agent who transferred it, if they can
                // take it, then everyone.
                AgentRecord transferrer = s.agent(call.transferredBy()).orElse(null);
                if (transferrer != null && transferrer.presence() == Presence.ONLINE && !transferrer.onACall()) {
                    return Decision.of(new TransferRangBack(call.callSid(), transferrer.id(),
                            passed.at().plus(timing.transferRingTime())));
                }
            }
            return Decision.of(new OfferWidened(call.callSid()));
        }
        return Decision.NOTHING;
    }

    private Decision connectFailed(Input.ConnectFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call != null && call.state() == CallState.CONNECTED && call.heldBy(failed.agentId())) {
            // The agent's leg answered into the conference before Twilio refused to move the caller there (both
            // requests went at once): the caller never reached the agent, whose leg is hung up. A caller who is gone
            // ends the call; one still waiting rings again.
            return failed.callGone() ? Decision.of(new CallEnded(call.callSid(), "caller_hangup", failed.at(), null))
                    : Decision.of(List.of(new ClaimReleased(call.callSid(), call.agentId(), "connect_failed")),
                            List.of(new TwilioAction.HoldCaller(call.callSid(), false)));
        }
        if (call == null || call.state() != CallState.CLAIMED || !call.heldBy(failed.agentId())) {
            return Decision.NOTHING;
        }
        if (call.outbound()) {
            // Twilio would not ring the agent, or call the number: the call never happened.
            return Decision.of(List.of(ended(call, "failed", failed.at(), s)), hangUpPlacingAgent(call));
        }
        // The caller may have reached the conference even though the agent's leg was refused: back to waiting.
        return failed.callGone()
                ? Decision.of(ended(call, "caller_hangup", failed.at(), s))
                : Decision.of(List.of(giveBack(call, "connect_failed", failed.at(), s)),
                        List.of(new TwilioAction.HoldCaller(call.callSid(), call.slot() != null)));
    }

    /**
     * Twilio placed the agent's leg. The claim that asked for it may have been given back, or the call ended, while
     * Twilio answered: then the leg rings for nothing, and is hung up.
     */
    private Decision agentDialed(Input.AgentDialed dialed, Situation s) {
        CallRecord call = s.call();
        if (call != null && dialed.agentId().equals(call.consultWith())) {
            return Decision.NOTHING; // the colleague of a consult: their leg's callbacks say the rest
        }
        boolean sameClaim = call != null && call.heldBy(dialed.agentId())
                && dialed.claimedAt().equals(call.claimedAt());
        if (!sameClaim) {
            return new Decision(List.of(), List.of(TwilioAction.EndCall.agentLeg(dialed.legSid(), dialed.callSid())),
                    null);
        }
        if (call.answeredBeforeTheCaller() && !call.outbound()) {
            return Decision.of(
                    new CallConnected(call.callSid(), call.agentId(), call.agentLegSid(), call.answeredAt()));
        }
        return call.state() == CallState.CLAIMED && call.agentLegSid() == null
                ? Decision.of(new AgentDialed(call.callSid(), dialed.legSid()))
                : Decision.NOTHING; // connected already
    }

    /**
     * The colleague hung up before Twilio handed them the caller: Twilio still has the caller on hold with the agent
     * who completed the transfer. The call is that agent's again, as a cancelled consult leaves it. An agent who left
     * too, or took another call meanwhile, leaves the colleague's end to end the call; a call every screen shows over
     * already is hung up, so that Twilio agrees.
     */
    private Decision colleagueLeft(Input.ColleagueLeft left, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return s.ended() ? new Decision(List.of(), List.of(new TwilioAction.EndCall(left.callSid())), null)
                    : Decision.NOTHING;
        }
        boolean handedOver = call.state() == CallState.CONNECTED && call.heldBy(left.colleague())
                && call.consultant() == null;
        boolean agentFree = offACall(left.agentId(), s);
        if (!handedOver || left.agentLegSid() == null || !agentFree) {
            return Decision.NOTHING;
        }
        return Decision.of(List.of(new Fact.HandoverUndone(call.callSid(), left.agentId(), left.colleague(),
                        left.agentLegSid())),
                List.of(new TwilioAction.CancelConsult(call.callSid(), left.agentId(), left.colleague())));
    }

    /**
     * The caller joined the conference of the claim that moved them there. It tells what Twilio's answer to the connect
     * would, and sooner: Twilio acts on a request before it answers it. A join of an earlier claim's conference says
     * nothing about this one.
     */
    private Decision callerJoined(Input.CallerJoined joined, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.CLAIMED || call.outbound() || call.callerJoinedAt() != null
                || call.claimedAt() == null || call.claimedAt().toEpochMilli() != joined.claim()) {
            return Decision.NOTHING;
        }
        return call.answeredBeforeTheCaller()
                ? Decision.of(new CallConnected(call.callSid(), call.agentId(), call.agentLegSid(), call.answeredAt()))
                : Decision.of(new CallerJoined(call.callSid(), joined.at()));
    }

    /**
     * The agent left the conference during a consult that was then cancelled: the caller waits there alone. They go
     * back to the queue and the call rings again; an agent's mistake does not drop them. A call every screen already
     * shows over (the agent's end came first) is hung up, so that Twilio agrees.
     */
    private Decision agentLeft(Input.AgentLeft left, Situation s) {
        CallRecord call = s.call();
        if (call == null) {
            return s.ended() ? new Decision(List.of(), List.of(new TwilioAction.EndCall(left.callSid())), null)
                    : Decision.NOTHING;
        }
        if (call.state() != CallState.CONNECTED || !call.heldBy(left.agentId()) || call.consultant() != null) {
            return Decision.NOTHING;
        }
        return Decision.of(List.of(new ClaimReleased(call.callSid(), call.agentId(), "agent_left")),
                List.of(new TwilioAction.HoldCaller(call.callSid(), false)));
    }

    /** Twilio took a transferred caller out of the conference: one whose end came first hung up waiting. */
    private Decision callerWaiting(Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.transferUnconfirmed()) {
            return Decision.NOTHING;
        }
        return call.callerGone()
                ? Decision.of(List.of(new Fact.MoveSettled(call.callSid()),
                        ended(call.moveSettled(), "caller_hangup", call.endedAt(), s)), List.of())
                : Decision.of(new Fact.MoveSettled(call.callSid()));
    }

    /**
     * Twilio could not take a transferred caller out of the conference because their call is over: it ended while they
     * were still with the transferring agent, whose leaving ended it. It was the agent's conversation, in the history
     * too; one who took another call meanwhile stays on it.
     */
    private Decision moveFailed(Input.MoveFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.transferUnconfirmed()) {
            return Decision.NOTHING;
        }
        Instant at = call.callerGone() ? call.endedAt() : failed.at();
        boolean agentFree = offACall(call.transferredBy(), s);
        return agentFree
                ? Decision.of(List.of(new Fact.TransferUndone(call.callSid(), call.transferredBy()),
                        new CallEnded(call.callSid(), "completed", at, wrapUpUntil(at, s))), List.of())
                : Decision.of(new Fact.EndedBeforeItsTransfer(call.callSid(), at));
    }

    private Decision parkConfirmed(Input.ParkConfirmed confirmed, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.parkUnconfirmed() || !samePark(call, confirmed.agentId(), confirmed.parkedAt())) {
            return Decision.NOTHING; // retrieved, timed out or ended meanwhile, confirmed before, or an earlier park
        }
        if (call.callerGone()) {
            // The caller reached the lot, then hung up there.
            return Decision.of(List.of(new ParkSettled(call.callSid()),
                    ended(call.parkSettled(), "caller_hangup", call.endedAt(), s)), List.of());
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
        return Decision.of(offACall(call.parkedBy(), s) ? new ParkUndone(call.callSid(), failed.agentId())
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
        return offACall(call.parkedBy(), s)
                ? Decision.of(List.of(new ParkUndone(call.callSid(), call.parkedBy()),
                        ended(call.unparked(), "completed", at, s)), List.of())
                : Decision.of(new EndedBeforeItsPark(call.callSid(), at));
    }

    /** Whether a park's answer is about the call's park; an action stored without the park's time matches any. */
    private static boolean samePark(CallRecord call, String agentId, Instant parkedAt) {
        return agentId.equals(call.parkedBy()) && (parkedAt == null || parkedAt.equals(call.parkedAt()));
    }

    /**
     * Whether the agent is on no call now: one who parked or transferred a call, free on every screen since, may have
     * taken another before Twilio answered.
     */
    private static boolean offACall(String agentId, Situation s) {
        return s.agent(agentId).map(a -> !a.onACall()).orElse(false);
    }

    /** Nobody answered in time: the caller leaves the queue for voicemail, or for the tenant's overflow number. */
    private static Decision overflow(CallRecord call, Situation s) {
        boolean forward = s.rules() != null && s.rules().forward();
        return Decision.of(List.of(new WaitLimitReached(call.callSid(),
                        forward ? CallState.FORWARDED : CallState.VOICEMAIL)),
                List.of(new TwilioAction.Overflow(call.callSid(), forward)));
    }

    /**
     * Twilio refused to take the caller to voicemail or the overflow number. One who is gone ends the call when their
     * end arrives; one still waiting in the queue is offered to the agents again, with a new wait limit.
     */
    private Decision overflowFailed(Input.OverflowFailed failed, Situation s) {
        CallRecord call = s.call();
        if (call == null || !call.overflowedAtTheLimit() || failed.callGone()) {
            return Decision.NOTHING;
        }
        return Decision.of(new OverflowUndone(call.callSid(), waitUntil(failed.at(), s)));
    }

    /**
     * The forward's {@code <Dial>} is over: the caller is hung up next (call-ingest answers Twilio with a hang-up), so the
     * call ends now, Twilio's {@code DialCallStatus} saying whether the overflow number answered.
     */
    private Decision forwardEnded(Input.ForwardEnded ended, Situation s) {
        CallRecord call = s.call();
        if (call == null || call.state() != CallState.FORWARDED) {
            return Decision.NOTHING;
        }
        return Decision.of(ended(call, "forward_" + reasonOf(ended.status()), ended.at(), s));
    }

    /** A caller's message is stored at Twilio: it is the tenant's to handle, whatever became of the call since. */
    private Decision voicemailRecorded(Input.VoicemailRecorded recorded, Situation s) {
        if (s.voicemail() != null) {
            return Decision.NOTHING; // Twilio sent the callback again
        }
        return Decision.of(new VoicemailLeft(new VoicemailRecord(recorded.voicemailId(), s.tenantId(),
                recorded.callSid(), recorded.from(), recorded.to(), recorded.at(), recorded.durationSeconds(),
                recorded.recordingUrl(), null, null, null)));
    }

    /** An agent takes a voicemail: the first one stored wins, as a claim does. */
    private Decision takeVoicemail(Input.TakeVoicemail take, Situation s) {
        VoicemailRecord voicemail = s.voicemail();
        if (s.agent(take.agentId()).map(a -> !a.active()).orElse(true)) {
            return notAnActiveAgent(take.agentId());
        }
        if (voicemail == null || voicemail.isDone()) {
            return Decision.reject(ErrorCode.VOICEMAIL_NOT_FOUND, "This voicemail is handled already, or unknown.");
        }
        if (take.agentId().equals(voicemail.takenBy())) {
            return Decision.NOTHING; // the same take again
        }
        if (voicemail.takenBy() != null) {
            return Decision.reject(ErrorCode.ALREADY_TAKEN, nameOf(voicemail.takenBy(), s)
                    + " took this voicemail first.");
        }
        return Decision.of(new VoicemailTaken(voicemail.id(), take.agentId(), take.at()));
    }

    /** The agent who took a voicemail marks it handled. */
    private Decision voicemailDone(Input.VoicemailDone done, Situation s) {
        VoicemailRecord voicemail = s.voicemail();
        if (voicemail == null || voicemail.isDone()) {
            return Decision.reject(ErrorCode.VOICEMAIL_NOT_FOUND, "This voicemail is handled already, or unknown.");
        }
        if (voicemail.takenBy() == null) {
            return Decision.reject(ErrorCode.INVALID_STATE, "Take the voicemail before marking it done.");
        }
        if (!voicemail.takenBy().equals(done.agentId())) {
            return Decision.reject(ErrorCode.NOT_YOUR_VOICEMAIL, nameOf(voicemail.takenBy(), s)
                    + " took this voicemail: only they can mark it done.");
        }
        return Decision.of(new VoicemailClosed(voicemail.id(), done.at()));
    }

    private Decision setStatus(Input.SetStatus set, Situation s) {
        AgentRecord agent = s.agent(set.agentId()).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return notAnActiveAgent(set.agentId());
        }
        if (set.status() != AgentStatus.AVAILABLE && set.status() != AgentStatus.AWAY) {
            return Decision.reject(ErrorCode.BAD_REQUEST,
                    "Set yourself available or away; busy and wrap-up follow from calls.");
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, (set.by() == null ? "You are" : agent.name() + " is")
                    + " on a call; set the status once it is over.");
        }
        if (agent.status() == set.status()) {
            return Decision.NOTHING;
        }
        // Setting a status ends wrap-up early: the agent says they are done.
        return Decision.of(new AgentUpdated(agent.withStatus(set.status())));
    }

    /** The agent is set away and their screens closed; one on a call is signed out once it is over. */
    private static Decision signOut(Input.SignOut signOut, Situation s) {
        AgentRecord agent = s.agent(signOut.agentId()).filter(AgentRecord::active).orElse(null);
        if (agent == null) {
            return notAnActiveAgent(signOut.agentId());
        }
        if (agent.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, agent.name() + " is on a call; sign them out once it is"
                    + " over.");
        }
        List<Fact> facts = new ArrayList<>();
        if (agent.status() != AgentStatus.AWAY) {
            facts.add(new AgentUpdated(agent.withStatus(AgentStatus.AWAY)));
        }
        facts.add(new Fact.SignedOut(agent.id(), signOut.by()));
        return Decision.of(facts, List.of());
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
    private Fact giveBack(CallRecord call, String reason, Instant at, Situation s) {
        return call.slot() != null
                ? new BackInSlot(call.callSid(), call.agentId(),
                        at.plus(parkTimeout(s)))
                : new ClaimReleased(call.callSid(), call.agentId(), reason);
    }

    /** The agent who talked on the call wraps up; one whose phone only rang does not. */
    private CallEnded ended(CallRecord call, String reason, Instant at, Situation s) {
        return new CallEnded(call.callSid(), reason, at,
                call.state() == CallState.CONNECTED ? wrapUpUntil(at, s) : null);
    }

    private Instant wrapUpUntil(Instant at, Situation s) {
        Duration wrapUp = own(s, TenantRules::wrapUp, timing.wrapUp());
        return wrapUp.isZero() ? null : at.plus(wrapUp);
    }

    private Duration parkTimeout(Situation s) {
        return own(s, TenantRules::parkTimeout, timing.parkTimeout());
    }

    /** The tenant's own time where it set one, the service's otherwise. */
    private static Duration own(Situation s, Function<TenantRules, Duration> time, Duration serviceDefault) {
        Duration own = s.rules() == null ? null : time.apply(s.rules());
        return own == null ? serviceDefault : own;
    }

    private static String nameOf(String agentId, Situation s) {
        return s.agent(agentId).map(AgentRecord::name).orElse(agentId);
    }

    private static String lower(CallState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static Decision notAnActiveAgent(String agentId) {
        return Decision.reject(ErrorCode.UNKNOWN_AGENT,
                "Agent " + agentId + " is not an active agent of this call center.");
    }

    private static String reasonOf(TwilioCallStatus status) {
        return status.wire().replace('-', '_');
    }
}
