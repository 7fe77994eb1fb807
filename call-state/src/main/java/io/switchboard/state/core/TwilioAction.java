package io.switchboard.state.core;

import java.time.Instant;

/** What Twilio must be asked to do once a decision is stored. */
public sealed interface TwilioAction {

    String callSid();

    /**
     * Meet the caller and the agent in the call's conference: the caller waits there, hearing the wait music, while the
     * agent's phone rings; the agent's answer starts the conference.
     *
     * @param callerNumber who the agent's phone shows as calling
     * @param claimedAt    when the claim was made: the leg's callbacks carry it, to be told from an earlier leg's
     */
    record ConnectToAgent(String callSid, String agentId, String callerNumber, Instant claimedAt)
            implements TwilioAction {
    }

    /**
     * Ring the softphone of the agent who placed a call into the call's conference, the tenant's number shown; the
     * number is called once they answer ({@link CallNumber}).
     *
     * @param placedAt when the call was placed: the leg's callbacks carry it, as a claim's leg's carry the claim's
     */
    record PlaceCall(String callSid, String agentId, String callerId, String number, Instant placedAt)
            implements TwilioAction {
    }

    /** Call {@code number} into the conference where {@code agentId}, who placed the call, waits. */
    record CallNumber(String callSid, String agentId, String callerId, String number) implements TwilioAction {
    }

    /**
     * Ask Twilio how the number of a placed call is: ringing, talking with the agent, or not on the call. Its answer
     * is a {@link Input.NumberLegStatus}, as the number's leg's own callback would be.
     */
    record CheckNumber(String callSid) implements TwilioAction {
    }

    /** Take the caller out of the conference to wait: in the tenant's queue, or in its parking lot's queue. */
    record HoldCaller(String callSid, boolean inParkingLot) implements TwilioAction {
    }

    /**
     * Send a caller nobody answered in time to the tenant's voicemail, or ({@code forward}) dial them on to its overflow
     * number: call-ingest answers Twilio's fetch of that TwiML with the tenant's settings of the moment.
     */
    record Overflow(String callSid, boolean forward) implements TwilioAction {
    }

    /**
     * Ask Twilio for the recording of a call that ended in voicemail: its recording callback may have been lost for
     * good (Twilio gives a callback up after 15 s). Its answer is a {@link Input.VoicemailRecorded}, as the callback
     * would have been; a voicemail stored already stays as it is.
     */
    record FindVoicemail(String callSid, String from, String to) implements TwilioAction {
    }

    /** Put the caller on hold in the conference, hearing the hold music ({@code onHold}), or take them off hold. */
    record HoldInConference(String callSid, boolean onHold) implements TwilioAction {
    }

    /**
     * Put the caller on hold in the parking lot's queue for the agent who parked them.
     *
     * @param parkedAt when the park was made: the lot's wait music URL carries it, so that Twilio fetching it confirms
     *     this park and no other
     */
    record ParkCaller(String callSid, String agentId, Instant parkedAt) implements TwilioAction {
    }

    /**
     * Put the caller on hold in the conference and keep the conference going without {@code agentId}, who consults a
     * colleague: a warm transfer begins.
     */
    record StartConsult(String callSid, String agentId) implements TwilioAction {
    }

    /**
     * Everything {@link StartConsult} does, and ring {@code colleague} into the conference (its leg's callbacks carry
     * {@code claimedAt}).
     */
    record Consult(String callSid, String agentId, String colleague, String callerNumber, Instant claimedAt)
            implements TwilioAction {
    }

    /**
     * Hand the caller to {@code colleague}: the colleague's leaving now ends the call, {@code agentId} out of the
     * conference, and the caller off hold.
     */
    record CompleteTransfer(String callSid, String agentId, String colleague) implements TwilioAction {
    }

    /**
     * Take the caller back from a consult: {@code colleague} out of the conference, the caller off hold with
     * {@code agentId}, whose leaving ends the call again.
     */
    record CancelConsult(String callSid, String agentId, String colleague) implements TwilioAction {
    }

    /**
     * Hang the call up: a caller's call, or an agent's leg left ringing for nothing. An agent's leg is its own call in
     * the action outbox: a newer action of the caller's never replaces its hang-up.
     *
     * @param conferenceOf for an agent's leg, the caller's call whose conference it may be in: its leaving must not
     *     end that conference, where the caller may wait, or talk with another agent (an agent's leaving ends the call
     *     otherwise); null for a caller's call
     */
    record EndCall(String callSid, String conferenceOf) implements TwilioAction {
        /** Hang up a caller's call. */
        public EndCall(String callSid) {
            this(callSid, null);
        }

        /** Hang up an agent's leg that may be in {@code call}'s conference. */
        public static EndCall agentLeg(String legSid, String call) {
            return new EndCall(legSid, call);
        }
    }
}
