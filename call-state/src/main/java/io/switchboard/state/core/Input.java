package io.switchboard.state.core;

import io.switchboard.contract.AdminRequest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.TwilioCallStatus;
import java.time.Instant;

/**
 * Everything that can ask the decider for a decision: Twilio's webhooks, agents' commands, timers, presence.
 * A call's inputs name the call; an agent's inputs ({@link AgentInput}) name the agent.
 */
public sealed interface Input {

    /** An input about one call. */
    sealed interface CallInput extends Input {
        String callSid();
    }

    /** An input about one agent, not about a call. */
    sealed interface AgentInput extends Input {
        String agentId();
    }

    /** An input about one voicemail. */
    sealed interface VoicemailInput extends Input {
        String voicemailId();
    }

    /**
     * A caller is on hold in the tenant's queue; or, outside business hours ({@code afterHours} not null), hears what
     * call-ingest answered instead: {@code voicemail} or {@code message}.
     */
    record RingIncoming(String callSid, String from, String to, Instant at, String afterHours) implements CallInput {
        /** A call in business hours. */
        public RingIncoming(String callSid, String from, String to, Instant at) {
            this(callSid, from, to, at, null);
        }
    }

    /**
     * Twilio stored the message a caller left: recording {@code voicemailId}, {@code durationSeconds} long, at
     * {@code recordingUrl}. The call may be over already: Twilio reports a recording once it is processed.
     */
    record VoicemailRecorded(String callSid, String voicemailId, String from, String to, String recordingUrl,
            int durationSeconds, Instant at) implements CallInput {
    }

    /** Twilio's {@code <Dial>} to the tenant's overflow number is over, with its {@code DialCallStatus}. */
    record ForwardEnded(String callSid, TwilioCallStatus status, Instant at) implements CallInput {
    }

    /**
     * Twilio refused to send the caller to voicemail or the overflow number.
     *
     * @param callGone Twilio said the call is over or unknown: the caller left
     */
    record OverflowFailed(String callSid, boolean callGone, Instant at) implements CallInput {
    }

    /** An agent takes a voicemail to handle it. */
    record TakeVoicemail(String voicemailId, String agentId, Instant at) implements VoicemailInput {
    }

    /** The agent who took a voicemail has handled it. */
    record VoicemailDone(String voicemailId, String agentId, Instant at) implements VoicemailInput {
    }

    record Claim(String callSid, String agentId, Instant at) implements CallInput {
    }

    record Hangup(String callSid, String agentId) implements CallInput {
    }

    /** The agent on the call puts the caller in the parking lot. */
    record Park(String callSid, String agentId, Instant at) implements CallInput {
    }

    /** The agent on the call puts the caller on hold ({@code onHold}) or takes them off hold. */
    record Hold(String callSid, String agentId, boolean onHold, Instant at) implements CallInput {
    }

    /**
     * The agent on the call hands it to {@code to}: at once ({@code warm} false: the call rings for them while the caller
     * waits), or after talking with them first.
     */
    record Transfer(String callSid, String agentId, String to, boolean warm, Instant at) implements CallInput {
    }

    /**
     * The agent who started a warm transfer ends the consult: handing the caller to the colleague ({@code complete}),
     * or taking the caller back.
     */
    record EndConsult(String callSid, String agentId, boolean complete, Instant at) implements CallInput {
    }

    /**
     * An agent places a call to {@code number}: {@code callSid} is the id call-state gives it
     * ({@link io.switchboard.contract.OutboundCall#idFor}), the same for each delivery of the command.
     */
    record Dial(String callSid, String agentId, String number, Instant at) implements CallInput {
    }

    /** An agent takes a parked call: a claim of a call waiting in a slot. */
    record Retrieve(String callSid, String agentId, Instant at) implements CallInput {
    }

    /** A status callback of the caller's own call. */
    record CallerLegStatus(String callSid, String from, String to, TwilioCallStatus status, Instant at)
            implements CallInput {
    }

    /** A status callback of the leg that calls the number of a call an agent placed ({@link Dial}). */
    record NumberLegStatus(String callSid, String legSid, TwilioCallStatus status, Instant at) implements CallInput {
    }

    /**
     * A status callback of the leg that rings an agent's client; {@code claim} is the epoch milliseconds of the claim
     * that dialled it, when its callback URL said so.
     */
    record AgentLegStatus(String callSid, String legSid, String agentId, TwilioCallStatus status, Instant at,
            Long claim) implements CallInput {

        /** A leg whose callbacks do not say which claim dialled it. */
        public AgentLegStatus(String callSid, String legSid, String agentId, TwilioCallStatus status, Instant at) {
            this(callSid, legSid, agentId, status, at, null);
        }
    }

    /** The {@code <Dial>} to the agent is over; {@code status} is Twilio's {@code DialCallStatus}. */
    record DialEnded(String callSid, TwilioCallStatus status, Instant at) implements CallInput {
    }

    /** The call's stored deadline passed (claim, park timeout or ring-back, depending on its state). */
    record DeadlinePassed(String callSid, Instant at) implements CallInput {
    }

    /**
     * Twilio refused to connect the caller to the agent who claimed the call.
     *
     * @param callGone Twilio said the call is over or unknown: the caller left
     */
    record ConnectFailed(String callSid, String agentId, boolean callGone, Instant at) implements CallInput {
    }

    /**
     * Twilio placed the call that rings the agent who claimed the call at {@code claimedAt}: its leg is {@code legSid}.
     */
    record AgentDialed(String callSid, String agentId, Instant claimedAt, String legSid, Instant at)
            implements CallInput {
    }

    /**
     * Twilio says the caller joined the conference a claim moved them to: a conference callback, whose URL names the
     * claim ({@code claim}, the epoch milliseconds of its time) as the agent's leg's callbacks do.
     */
    record CallerJoined(String callSid, long claim, Instant at) implements CallInput {
    }

    /** Twilio took the caller out of the conference to wait in the tenant's queue (it answered the move). */
    record CallerWaiting(String callSid, Instant at) implements CallInput {
    }

    /** Twilio could not take the caller out of the conference to wait in the queue: their call is over. */
    record MoveFailed(String callSid, Instant at) implements CallInput {
    }

    /**
     * Twilio found {@code agentId} gone from the call's conference as it took the caller back from a consult: the agent
     * hung up during it (their leaving did not end the conference then), and the caller is there alone.
     */
    record AgentLeft(String callSid, String agentId, Instant at) implements CallInput {
    }

    /**
     * Twilio found {@code colleague} gone from the call's conference as it handed them the caller of a warm transfer:
     * they hung up first, and the caller waits on hold with {@code agentId}, whose leg is {@code agentLegSid} (null
     * when they left too).
     */
    record ColleagueLeft(String callSid, String agentId, String colleague, String agentLegSid, Instant at)
            implements CallInput {
    }

    /** Twilio refused to put the caller on hold ({@code onHold}) or to take them off it; nothing changed there. */
    record HoldFailed(String callSid, boolean onHold, Instant at) implements CallInput {
    }

    /**
     * Twilio took the caller to the parking lot — it answered the park, or fetched the lot's wait music for the
     * caller: the parker's leg is hung up, and the caller's end from now on is an end in the lot.
     *
     * @param parkedAt the park's time, which tells this park from an earlier one of the same call
     */
    record ParkConfirmed(String callSid, String agentId, Instant parkedAt, Instant at) implements CallInput {
    }

    /**
     * Twilio refused to put the caller in the parking lot: the call goes back to the agent who parked it.
     *
     * @param afterTakeOver the park was taken over from a process that died, whose own attempt may have gone through:
     *     a caller gone now may have hung up in the lot
     */
    record ParkFailed(String callSid, String agentId, Instant parkedAt, boolean callGone, Instant at,
            boolean afterTakeOver) implements CallInput {

        /** A park's first attempt refused. */
        public ParkFailed(String callSid, String agentId, Instant parkedAt, boolean callGone, Instant at) {
            this(callSid, agentId, parkedAt, callGone, at, false);
        }
    }

    /**
     * Twilio's own record of a call that has been silent for a while ({@code Calls/{Sid}.json}): its final callback may
     * have been lost for good.
     *
     * @param status the call's status at Twilio, or null when Twilio does not know the call
     * @param endedAt when Twilio says the call ended, or null
     */
    record TwilioRecord(String callSid, TwilioCallStatus status, Instant endedAt, Instant at) implements CallInput {
    }

    /** The agent sets themselves {@code available} or {@code away}. */
    /** An agent sets their own status, or a supervisor ({@code by}, null for the agent themselves) sets it. */
    record SetStatus(String agentId, AgentStatus status, Instant at, String by) implements AgentInput {
        public SetStatus(String agentId, AgentStatus status, Instant at) {
            this(agentId, status, at, null);
        }
    }

    /**
     * Something about the agent may have changed: their connections (a tab opened or closed, a gateway died) or
     * one of their deadlines (wrap-up, offline grace) passed.
     *
     * @param openConnections the agent's connections on all live gateways now
     * @param timedOut connections of theirs were just dropped because their gateway stopped reporting: they have
     *     been gone for the whole TTL already, which is grace enough
     */
    record ReviewAgent(String agentId, int openConnections, boolean timedOut, Instant at) implements AgentInput {
    }

    /** A tenant admin's write ({@code adminId} from their token): agents, numbers, settings. */
    record Administer(String adminId, AdminRequest request, Instant at) implements Input {
    }

    /** A supervisor ({@code by}) signs an agent out: away, and every screen of theirs closed. */
    record SignOut(String agentId, String by, Instant at) implements AgentInput {
    }
}
