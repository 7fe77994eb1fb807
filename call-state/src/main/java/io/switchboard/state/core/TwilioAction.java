package io.switchboard.state.core;

import java.time.Instant;

/** What Twilio must be asked to do once a decision is stored. */
public sealed interface TwilioAction {

    String callSid();

    /**
     * Redirect the caller to {@code <Dial><Client>agentId</Client></Dial>}.
     *
     * @param fromParkingLot the caller is retrieved from a slot: an unanswered dial puts them back there
     * @param claimedAt      when the claim was made: the leg's callbacks carry it, to be told from an earlier leg's
     */
    record ConnectToAgent(String callSid, String agentId, boolean fromParkingLot, Instant claimedAt)
            implements TwilioAction {
    }

    /** Put the caller on hold: in the tenant's queue, or in its parking lot's queue. */
    record HoldCaller(String callSid, boolean inParkingLot) implements TwilioAction {
    }

    /**
     * Put the caller on hold in the parking lot's queue for the agent who parked them.
     *
     * @param parkedAt when the park was made: the lot's wait music URL carries it, so that Twilio fetching it confirms
     *     this park and no other
     */
    record ParkCaller(String callSid, String agentId, Instant parkedAt) implements TwilioAction {
    }

    /** Hang the call up. */
    record EndCall(String callSid) implements TwilioAction {
    }
}
