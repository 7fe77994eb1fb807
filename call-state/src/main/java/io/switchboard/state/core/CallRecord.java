package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import io.switchboard.contract.OutboundCall;
import java.time.Instant;

/**
 * A call that is not over, as call-state keeps it.
 *
 * @param agentId the agent holding the call while CLAIMED or CONNECTED
 * @param deadline the call's one stored timer, meaning what the state says: CLAIMED — the claim is given back;
 *     PARKED — the park timeout rings the parker back; RINGING — the wait limit ({@code waitUntil}) sends the caller
 *     to voicemail or the overflow number, or, with {@code offeredTo}, the ring-back widens to every available agent
 *     (whichever comes first)
 * @param slot the parking slot while PARKED, kept while a retrieve waits for the agent to answer
 * @param parkedBy who parked the call; kept while it rings back after a park timeout
 * @param ringReason why a RINGING call rings again (null the first time); why a VOICEMAIL or FORWARDED call is
 *     there: {@code timeout} (the wait limit) or {@code after_hours}
 * @param offeredTo the one agent a RINGING call is offered to, or null for every available agent
 * @param agentLegSid the leg of the agent holding the call, once Twilio named it (it answered, or it was dialled);
 *     while PARKED, the parker's, until Twilio settles the park
 * @param heldAt since when the agent on the CONNECTED call has the caller on hold; null when not on hold
 * @param transferredBy the agent who transferred the RINGING call to {@code offeredTo}; null otherwise
 * @param consultWith the colleague the agent on the CONNECTED call consults before handing it over (a warm transfer),
 *     once they took the consult; while it rings for them they are {@code offeredTo}, with {@code ringReason}
 *     {@code consult}
 * @param consultLegSid the leg of {@code consultWith} once their phone answered the consult: the call's
 *     {@code agentLegSid} once it is handed to them
 * @param callerJoinedAt while CLAIMED, when Twilio said the caller joined the claim's conference, before it answered
 *     the connect: the agent's answer connects the call at once
 * @param waitUntil the tenant's wait limit while RINGING, counted from when the caller began to wait (a claim given
 *     back keeps it, a park's or a transfer's ring-back starts a new one); kept while CLAIMED
 * @param outcome once ENDED, what came of the call for the history: {@code answered}, {@code abandoned},
 *     {@code voicemail}, {@code forwarded}, {@code missed_after_hours}, {@code transferred} or {@code outbound};
 *     before, {@code transferred} once an agent handed the call to another
 */
public record CallRecord(String callSid, String tenantId, String from, String to, CallState state, String agentId,
        String agentLegSid, Instant startedAt, Instant claimedAt, Instant answeredAt, Instant deadline, Integer slot,
        Instant parkedAt, String parkedBy, String ringReason, String offeredTo, Instant endedAt, String endReason,
        Instant heldAt, String transferredBy, String consultWith, String consultLegSid, Instant callerJoinedAt,
        Instant waitUntil, String outcome) {
    /** The {@code ringReason} of a consult ringing for a colleague. */
    static final String CONSULT = "consult";
    /** The {@code ringReason} of a VOICEMAIL or FORWARDED call nobody answered within the tenant's wait limit. */
    static final String TIMEOUT = "timeout";
    /** The {@code ringReason} of a VOICEMAIL call that came outside business hours. */
    static final String AFTER_HOURS = "after_hours";
    /**
     * The {@code outcome} of a call handed from one agent to another, a transfer or a warm transfer's handover: set
     * while the call goes on, so that its end says so.
     */
    static final String TRANSFERRED = "transferred";

    /** A caller waits in the queue, for an agent or until {@code waitUntil}, the tenant's wait limit. */
    public static CallRecord ringing(String callSid, String tenantId, String from, String to, Instant at,
            Instant waitUntil) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, at, null, null, waitUntil,
                null, null, null, null, null, null, null, null, null, null, null, null, waitUntil, null);
    }

    /**
     * A caller outside business hours, who hears the voicemail's greeting at once ({@code VOICEMAIL}, ringing
     * nobody): their call is over for agents, though not at Twilio.
     */
    static CallRecord afterHours(String callSid, String tenantId, String from, String to, Instant at) {
        return new CallRecord(callSid, tenantId, from, to, CallState.VOICEMAIL, null, null, at, null, null, null, null,
                null, null, AFTER_HOURS, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A call {@code agent} placed at {@code at}, from the tenant's number to {@code number}: theirs from the start,
     * while their phone rings until {@code answerBy}.
     */
    static CallRecord placed(String callSid, String tenantId, String callerId, String number, String agent, Instant at,
            Instant answerBy) {
        return new CallRecord(callSid, tenantId, callerId, number, CallState.CLAIMED, agent, null, at, at, null,
                answerBy, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A call over before any agent could be offered it: it ended before call-state saw it ring, or it came outside
     * business hours and heard the tenant's message ({@code reason} {@link #AFTER_HOURS}).
     */
    static CallRecord unseenEnded(String callSid, String tenantId, String from, String to, Instant at, String reason) {
        String outcome = OutboundCall.is(callSid) ? "outbound"
                : AFTER_HOURS.equals(reason) ? "missed_after_hours" : "abandoned";
        return new CallRecord(callSid, tenantId, from, to, CallState.ENDED, null, null, at, null, null, null, null,
                null, null, null, null, at, reason, null, null, null, null, null, null, outcome);
    }

    /** Claimed, or retrieved from its slot: the slot stays taken until the agent answers. */
    CallRecord claimedBy(String agent, Instant at, Instant claimDeadline) {
        return new CallRecord(callSid, tenantId, from, to, CallState.CLAIMED, agent, null, startedAt, at, null,
                claimDeadline, slot, parkedAt, parkedBy, null, null, null, null, null, null, null, null, null,
                waitUntil, outcome);
    }

    /**
     * The claim is given back: the call rings every available agent again, saying why, until the wait limit it had
     * before the claim.
     */
    CallRecord released(String reason) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, startedAt, null, null,
                waitUntil, null, null, parkedBy, reason, null, null, null, null, null, null, null, null, waitUntil,
                null);
    }

    /** The claiming agent's phone answered; the caller's move into the conference is not confirmed yet. */
    CallRecord agentAnswered(String legSid, Instant at) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, legSid, startedAt, claimedAt, at, deadline,
                slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt, transferredBy,
                consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /** The agent who placed the call answered on {@code legSid}: the number rings until {@code answerBy}. */
    CallRecord numberCalled(String legSid, Instant at, Instant answerBy) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, legSid, startedAt, claimedAt, at, answerBy,
                slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt, transferredBy,
                consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /** The number rang past its time: Twilio is asked how it is, and asked again at {@code askAgainAt}. */
    CallRecord numberChecked(Instant askAgainAt) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, askAgainAt, slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt,
                transferredBy, consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /** An agent placed it ({@link OutboundCall}): {@code to} is the number they called. */
    boolean outbound() {
        return OutboundCall.is(callSid);
    }

    /** A call an agent placed whose agent answered: Twilio calls the number, which has not answered yet. */
    boolean numberRinging() {
        return outbound() && answeredBeforeTheCaller();
    }

    /** The number of the person on the other end: the caller's, or the one an agent called. */
    String customerNumber() {
        return outbound() ? to : from;
    }

    /** {@link #agentAnswered}: a claim whose agent answered, waiting for Twilio to say the caller is there too. */
    boolean answeredBeforeTheCaller() {
        return state == CallState.CLAIMED && answeredAt != null;
    }

    CallRecord connected(String legSid, Instant at) {
        return new CallRecord(callSid, tenantId, from, to, CallState.CONNECTED, agentId, legSid, startedAt, claimedAt,
                at, null, null, null, null, null, null, null, null, null, null, null, null, null, null, outcome);
    }

    /**
     * In a slot; the parker's leg is remembered until Twilio confirms the park ({@link #parkSettled}), in case
     * Twilio refuses it and the call goes back to them.
     */
    CallRecord parked(int newSlot, String by, Instant at, Instant parkDeadline) {
        return new CallRecord(callSid, tenantId, from, to, CallState.PARKED, null, agentLegSid, startedAt, null,
                answeredAt, parkDeadline, newSlot, at, by, null, null, null, null, null, null, null, null, null, null, outcome);
    }

    /** Twilio answered the park ({@link Fact.ParkSettled}): the parker's leg is forgotten. */
    CallRecord parkSettled() {
        return withAgentLeg(null);
    }

    /** Twilio said the caller's call ended before it answered the park ({@link #callerGone()}). */
    CallRecord callerGone(Instant at) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, deadline, slot, parkedAt, parkedBy, ringReason, offeredTo, at, null, heldAt,
                transferredBy, consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /**
     * The caller's call is over at Twilio, but the call is not ENDED yet: it was parked, and Twilio had not answered
     * the park when the caller's end arrived. Its end waits for that answer.
     */
    boolean callerGone() {
        return state != CallState.ENDED && endedAt != null;
    }

    /** Parked, but Twilio has not said yet whether it took the caller to the lot. */
    boolean parkUnconfirmed() {
        return state == CallState.PARKED && agentLegSid != null;
    }

    /** Twilio refused the park: the parker is still talking to the caller. */
    CallRecord unparked() {
        return new CallRecord(callSid, tenantId, from, to, CallState.CONNECTED, parkedBy, agentLegSid, startedAt,
                null, answeredAt, null, null, null, null, null, null, null, null, null, null, null, null, null, null, outcome);
    }

    /** The caller's wait limit has passed at {@code at}. */
    boolean waitedPastTheLimit(Instant at) {
        return waitUntil != null && !waitUntil.isAfter(at);
    }

    /** Sent to voicemail or the overflow number at the wait limit (not after hours). */
    boolean overflowedAtTheLimit() {
        return (state == CallState.VOICEMAIL || state == CallState.FORWARDED) && TIMEOUT.equals(ringReason);
    }

    /**
     * With an agent, the voicemail or the overflow number: a caller's end then completes the call rather than abandons
     * it.
     */
    boolean talkingOrOverflowed() {
        return state == CallState.CONNECTED || state == CallState.VOICEMAIL || state == CallState.FORWARDED;
    }

    /** Twilio kept the caller in the queue after refusing the overflow: they ring again until {@code newWaitUntil}. */
    CallRecord overflowUndone(Instant newWaitUntil) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, startedAt, null, answeredAt,
                newWaitUntil, null, null, null, "overflow_failed", null, null, null, null, null, null, null, null,
                newWaitUntil, outcome);
    }

    /** An unanswered retrieve: back in the same slot, its park timeout counted afresh. */
    CallRecord backInSlot(Instant parkDeadline) {
        return new CallRecord(callSid, tenantId, from, to, CallState.PARKED, null, null, startedAt, null, null,
                parkDeadline, slot, parkedAt, parkedBy, null, null, null, null, null, null, null, null, null, null, outcome);
    }

    /**
     * Out of the parking lot after its timeout: rings {@code offeredTo} (the parker) first, or everyone, until
     * {@code newWaitUntil}.
     */
    CallRecord ringingBack(String reason, String offeredTo, Instant widenAt, Instant newWaitUntil) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, null, startedAt, null, null,
                earliest(widenAt, newWaitUntil), null, null, parkedBy, reason, offeredTo, null, null, null, null, null,
                null, null, newWaitUntil, outcome);
    }

    CallRecord offeredToEveryone() {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, waitUntil, slot, parkedAt, parkedBy, ringReason, null, null, null, heldAt, transferredBy, null,
                null, callerJoinedAt, waitUntil, outcome);
    }

    /** Over: how it ended ({@code reason}) and what came of it for the call history ({@code outcome}). */
    CallRecord ended(Instant at, String reason) {
        Instant answered = answeredBeforeTheCaller() ? null : answeredAt;
        return new CallRecord(callSid, tenantId, from, to, CallState.ENDED, agentId, agentLegSid, startedAt,
                claimedAt, answered, null, slot, parkedAt, parkedBy, ringReason, offeredTo, at, reason, heldAt,
                transferredBy, consultWith, consultLegSid, null, null, outcomeAtEnd(answered));
    }

    /** The history's outcome of the call as it is when it ends (see {@code call_history.outcome}). */
    private String outcomeAtEnd(Instant answered) {
        if (outbound()) {
            return "outbound";
        } else if (AFTER_HOURS.equals(ringReason) && state == CallState.VOICEMAIL) {
            return "missed_after_hours";
        } else if (state == CallState.VOICEMAIL) {
            return "voicemail";
        } else if (state == CallState.FORWARDED) {
            return "forwarded";
        }
        if (answered == null) {
            return "abandoned";
        }
        return TRANSFERRED.equals(outcome) ? TRANSFERRED : "answered";
    }

    /**
     * Nobody answered within the wait limit: the caller goes to voicemail or to the overflow number ({@code to}), and
     * no agent is offered the call any more.
     */
    CallRecord overflowed(CallState destination) {
        return new CallRecord(callSid, tenantId, from, to, destination, null, null, startedAt, null, answeredAt, null,
                null, null, null, TIMEOUT, null, null, null, null, null, null, null, null, null, outcome);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    /** Handed, or being handed, from one agent to another: the history says so once the call ends. */
    CallRecord markedTransferred() {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, deadline, slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt,
                transferredBy, consultWith, consultLegSid, callerJoinedAt, waitUntil, TRANSFERRED);
    }

    /** Twilio said the caller joined the claim's conference: they wait there for the agent. */
    CallRecord callerJoined(Instant at) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, deadline, slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt,
                transferredBy, consultWith, consultLegSid, at, waitUntil, outcome);
    }

    /** Twilio rings the claiming agent on {@code legSid}. */
    CallRecord dialed(String legSid) {
        return withAgentLeg(legSid);
    }

    private CallRecord withAgentLeg(String legSid) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, legSid, startedAt, claimedAt, answeredAt,
                deadline, slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, heldAt, transferredBy,
                consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /** A connected caller put on hold by their agent, hearing the hold music. */
    CallRecord held(Instant at) {
        return withHeldAt(at);
    }

    /** Back from hold: the caller and the agent hear each other again. */
    CallRecord unheld() {
        return withHeldAt(null);
    }

    private CallRecord withHeldAt(Instant at) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, deadline, slot, parkedAt, parkedBy, ringReason, offeredTo, endedAt, endReason, at,
                transferredBy, consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    boolean onHold() {
        return heldAt != null;
    }

    /**
     * Transferred by the agent on it: rings {@code target} alone until {@code ringUntil}; the caller waits in the
     * queue.
     */
    CallRecord transferred(String by, String target, Instant ringUntil, Instant newWaitUntil) {
        return new CallRecord(callSid, tenantId, from, to, CallState.RINGING, null, agentLegSid, startedAt, null,
                answeredAt, earliest(ringUntil, newWaitUntil), null, null, null, "transfer", target, null, null, null,
                by, null, null, null, newWaitUntil, outcome);
    }

    /**
     * Transferred, and Twilio has not yet said it took the caller out of the conference to wait: the transferring
     * agent's leg ({@code agentLegSid}) is kept until it does ({@link #moveSettled}), as a parker's is.
     */
    boolean transferUnconfirmed() {
        return state == CallState.RINGING && transferredBy != null && agentLegSid != null;
    }

    /** Twilio took the transferred caller out of the conference, to wait for the colleague. */
    CallRecord moveSettled() {
        return withAgentLeg(null);
    }

    /** The caller's call ended before their move out of the conference: it was the transferring agent's still. */
    CallRecord untransferred() {
        return new CallRecord(callSid, tenantId, from, to, CallState.CONNECTED, transferredBy, agentLegSid, startedAt,
                null, answeredAt, null, null, null, null, null, null, null, null, null, null, null, null, null, null, outcome);
    }

    /** A transfer nobody answered rings {@code agent} (the transferring agent) alone until {@code ringUntil}. */
    CallRecord offeredTo(String agent, Instant ringUntil) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, earliest(ringUntil, waitUntil), slot, parkedAt, parkedBy, ringReason, agent, endedAt, endReason, heldAt,
                transferredBy, consultWith, consultLegSid, callerJoinedAt, waitUntil, outcome);
    }

    /**
     * The agent on the call puts the caller on hold to consult {@code colleague} first: the consult rings for them
     * until {@code ringUntil}.
     */
    CallRecord consultOffered(String colleague, Instant at, Instant ringUntil) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, ringUntil, slot, parkedAt, parkedBy, CONSULT, colleague, endedAt, endReason, at, null,
                null, null, callerJoinedAt, waitUntil, outcome);
    }

    /** The colleague took the consult; their phone rings until {@code answerBy}. */
    CallRecord consultTaken(String colleague, Instant answerBy) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, answerBy, slot, parkedAt, parkedBy, null, null, endedAt, endReason, heldAt, null,
                colleague, null, callerJoinedAt, waitUntil, outcome);
    }

    /** The colleague's phone answered on {@code legSid}: the two agents talk while the caller waits on hold. */
    CallRecord consulting(String legSid) {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, null, slot, parkedAt, parkedBy, null, null, endedAt, endReason, heldAt, null,
                consultWith, legSid, callerJoinedAt, waitUntil, outcome);
    }

    /** The consult is over and the caller is back with the agent, off hold. */
    CallRecord consultOver() {
        return new CallRecord(callSid, tenantId, from, to, state, agentId, agentLegSid, startedAt, claimedAt,
                answeredAt, null, slot, parkedAt, parkedBy, null, null, endedAt, endReason, null, null, null, null, callerJoinedAt, waitUntil, outcome);
    }

    /** {@code agent} has the caller now, off hold, on {@code legSid}: the colleague consulted, or the agent again. */
    CallRecord handedTo(String agent, String legSid) {
        return new CallRecord(callSid, tenantId, from, to, state, agent, legSid, startedAt, claimedAt,
                answeredAt, null, slot, parkedAt, parkedBy, null, null, endedAt, endReason, null, null, null, null, callerJoinedAt, waitUntil, outcome);
    }

    /** A consult is offered, taken or under way: the colleague it rings for or who took it. */
    String consultant() {
        return consultWith != null ? consultWith : CONSULT.equals(ringReason) ? offeredTo : null;
    }

    /** Rings, or is claimed but not yet answered: screens still show it as an offer. A call an agent placed is none. */
    boolean offered() {
        return state == CallState.RINGING || (state == CallState.CLAIMED && slot == null && !outbound());
    }

    boolean heldBy(String agent) {
        return agent != null && agent.equals(agentId);
    }
}
