package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import io.switchboard.contract.TenantSettings;
import java.time.Instant;
import java.util.List;

/** What the decider decided happened. Facts change the projection and become the screens' changes. */
public sealed interface Fact {

    record CallRang(CallRecord call) implements Fact {
    }

    /** An agent placed {@code call}: it is theirs, and their phone rings first. */
    record CallPlaced(CallRecord call) implements Fact {
    }

    /**
     * The agent who placed the call answered on {@code legSid} at {@code at}: Twilio calls the number, which rings
     * until {@code answerBy}. Screens show nothing of it until the number answers.
     */
    record NumberCalled(String callSid, String legSid, Instant at, Instant answerBy) implements Fact {
    }

    /**
     * The number of a placed call rang past its time with no word from Twilio: Twilio is asked how it is, and asked
     * again at {@code askAgainAt} if its answer has not settled the call by then.
     */
    record NumberChecked(String callSid, Instant askAgainAt) implements Fact {
    }

    /** An agent claimed a ringing call, or retrieved a parked one; it is theirs once their leg answers. */
    record CallClaimed(String callSid, String agentId, Instant at, Instant deadline) implements Fact {
    }

    /** The claim is given back and the call rings again, saying why. */
    record ClaimReleased(String callSid, String agentId, String reason) implements Fact {
    }

    /** A retrieve went unanswered: the call waits in its slot again, its park timeout counted from now. */
    record BackInSlot(String callSid, String agentId, Instant deadline) implements Fact {
    }

    record CallConnected(String callSid, String agentId, String legSid, Instant at) implements Fact {
    }

    /**
     * The agent on the call parked it in {@code slot}; it rings back at {@code deadline}.
     *
     * @param wrapUpUntil the parker's wrap-up end, or null when they are available at once
     */
    record CallParked(String callSid, String agentId, int slot, Instant at, Instant deadline, Instant wrapUpUntil)
            implements Fact {
    }

    /**
     * Twilio answered the park, so the parker's leg is forgotten: it took the caller to the lot, or it refused while
     * the parker had already taken another call — then the caller stays on the parker's old leg until someone
     * retrieves the call or claims its ring-back, whose connect moves the caller from wherever they are. Screens saw
     * the call parked already.
     */
    record ParkSettled(String callSid) implements Fact {
    }

    /**
     * {@code agentId} transferred the call to {@code target}: it rings for the target alone until {@code ringUntil},
     * the caller waits in the queue (until the wait limit {@code waitUntil}), and the transferring agent is free at
     * once.
     */
    record CallTransferred(String callSid, String agentId, String target, Instant ringUntil, Instant waitUntil)
            implements Fact {
    }

    /** Twilio took the transferred caller out of the conference: the transferring agent's leg is forgotten. */
    record MoveSettled(String callSid) implements Fact {
    }

    /**
     * The caller's call ended before Twilio took them out of the conference for a transfer: they were still with
     * {@code agentId}, who transferred the call, and whose leaving ended it. The call is theirs again, to end.
     */
    record TransferUndone(String callSid, String agentId) implements Fact {
    }

    /**
     * The colleague a warm transfer was handed to had hung up before Twilio handed them the caller: the call is
     * {@code agentId}'s again, on {@code legSid}, as a cancelled consult leaves it, and the colleague is free.
     */
    record HandoverUndone(String callSid, String agentId, String colleague, String legSid) implements Fact {
    }

    /** Nobody answered a transfer in time: it rings for {@code agentId}, who transferred it, until {@code ringUntil}. */
    record TransferRangBack(String callSid, String agentId, Instant ringUntil) implements Fact {
    }

    /**
     * The agent on the call put the caller on hold at {@code at} to consult {@code colleague}, for whom the consult
     * rings until {@code ringUntil}.
     */
    record ConsultOffered(String callSid, String colleague, Instant at, Instant ringUntil) implements Fact {
    }

    /** The colleague took the consult; their phone rings until {@code answerBy}. */
    record ConsultTaken(String callSid, String colleague, Instant answerBy) implements Fact {
    }

    /** The colleague's phone answered on {@code legSid} at {@code at}: the two agents talk, the caller on hold. */
    record ConsultConnected(String callSid, String colleague, String legSid, Instant at) implements Fact {
    }

    /** The consult is over (cancelled, unanswered, or the colleague hung up): the caller is back with the agent. */
    record ConsultEnded(String callSid, String colleague) implements Fact {
    }

    /** The agent handed the caller to the colleague they consulted, and is free (wrap-up). */
    record TransferCompleted(String callSid, String agentId, String colleague, Instant wrapUpUntil) implements Fact {
    }

    /** Twilio is ringing the claiming agent on {@code legSid}. Screens show nothing of it. */
    record AgentDialed(String callSid, String legSid) implements Fact {
    }

    /**
     * The claiming agent's phone answered on {@code legSid} before Twilio said it took the caller into the conference:
     * the call is connected once it does. Screens show nothing of it.
     */
    record AgentAnswered(String callSid, String legSid, Instant at) implements Fact {
    }

    /**
     * Twilio said the caller joined the conference of the claim at {@code at}, before the agent's phone answered: the
     * call is connected once it does. Screens show nothing of it.
     */
    record CallerJoined(String callSid, Instant at) implements Fact {
    }

    /** The agent on the call put the caller on hold at {@code at}. */
    record CallHeld(String callSid, Instant at) implements Fact {
    }

    /** The caller is off hold: the agent took them off it, or Twilio refused to put them on it. */
    record CallUnheld(String callSid) implements Fact {
    }

    /**
     * The caller's call ended while Twilio had not yet answered the park: whether they hung up in the lot or still
     * talking with the parker, the park's answer tells.
     */
    record CallerGone(String callSid, Instant at) implements Fact {
    }

    /**
     * The call ended at Twilio before Twilio took it to the lot, while its parker, by the projection free since the
     * park, took another call: it ended as the parker's conversation, and the parker stays on their new call.
     */
    record EndedBeforeItsPark(String callSid, Instant at) implements Fact {
    }

    /**
     * The call ended at Twilio before Twilio took the caller out of the conference for a cold transfer, while the agent
     * who transferred it, free by the projection since, took another call: it ended as their conversation, and they
     * stay on their new call.
     */
    record EndedBeforeItsTransfer(String callSid, Instant at) implements Fact {
    }

    /** Twilio refused the park: the call is the parker's again. */
    record ParkUndone(String callSid, String agentId) implements Fact {
    }

    /**
     * Nobody retrieved the call in time: it rings again, first for {@code offeredTo} (the parker) until
     * {@code widenAt}, or at once for everyone when {@code offeredTo} is null, until the wait limit {@code waitUntil}.
     */
    record ParkTimedOut(String callSid, String offeredTo, Instant widenAt, Instant waitUntil) implements Fact {
    }

    /**
     * Nobody answered the call within the tenant's wait limit: it rings no more, and the caller goes to voicemail or to
     * the overflow number ({@code to}).
     */
    record WaitLimitReached(String callSid, CallState to) implements Fact {
    }

    /**
     * Twilio refused to take the caller to voicemail or the overflow number, and they still wait in the queue: the call
     * rings again, until {@code waitUntil}.
     */
    record OverflowUndone(String callSid, Instant waitUntil) implements Fact {
    }

    /** A caller left a message: every screen is told of the new voicemail. */
    record VoicemailLeft(VoicemailRecord voicemail) implements Fact {
    }

    /** {@code agentId} took the voicemail to handle it. */
    record VoicemailTaken(String voicemailId, String agentId, Instant at) implements Fact {
    }

    /** The voicemail is handled: it leaves every screen. */
    record VoicemailClosed(String voicemailId, Instant at) implements Fact {
    }

    /** The parker did not take the ring-back in time: every available agent is offered the call now. */
    record OfferWidened(String callSid) implements Fact {
    }

    /** @param wrapUpUntil the wrap-up end of the agent who talked on the call, or null */
    record CallEnded(String callSid, String reason, Instant at, Instant wrapUpUntil) implements Fact {
    }

    /**
     * A call ended before call-state saw it ring (its incoming event is late or lost). Recorded so the late
     * incoming event cannot bring it back.
     */
    record UnseenCallEnded(String callSid, String from, String to, String reason, Instant at) implements Fact {
    }

    /** The agent's presence, status or deadlines changed (not through a call). */
    record AgentUpdated(AgentRecord agent) implements Fact {
    }

    /** An admin's write: stored with its audit entry in the same transaction. */
    sealed interface AdminFact extends Fact {
        AuditEntry audit();
    }

    /** A new agent of the tenant, signed out and available. */
    record AgentEnrolled(AgentRecord agent, List<String> roles, AuditEntry audit) implements AdminFact {
    }

    /** An agent renamed, given other roles, deactivated ({@code wasActive} and no longer) or reactivated. */
    record AgentEdited(AgentRecord agent, List<String> roles, boolean wasActive, AuditEntry audit)
            implements AdminFact {
    }

    /** A number added to the tenant ({@code added}) or taken from it; {@code numbers} as they are now. */
    record NumbersChanged(List<String> numbers, TenantSettings settings,
            String number, boolean added, AuditEntry audit) implements AdminFact {
    }

    /** The tenant's settings replaced. */
    record SettingsChanged(List<String> numbers, TenantSettings settings,
            AuditEntry audit) implements AdminFact {
    }

    /** A supervisor ({@code by}) signed the agent out: their screens close. */
    record SignedOut(String agentId, String by) implements Fact {
    }
}
