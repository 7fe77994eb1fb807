package io.switchboard.state.core;

/** What Twilio must be asked to do once a decision is stored. */
public sealed interface TwilioAction {

    String callSid();

    /**
     * Redirect the caller to {@code <Dial><Client>agentId</Client></Dial>}.
     *
     * @param fromParkingLot the caller is retrieved from a slot: an unanswered dial puts them back there
     */
    record ConnectToAgent(String callSid, String agentId, boolean fromParkingLot) implements TwilioAction {
    }

    /** Put the caller on hold: in the tenant's queue, or in its parking lot's queue. */
    record HoldCaller(String callSid, boolean inParkingLot) implements TwilioAction {
    }

    /** Put the caller on hold in the parking lot's queue for the agent who parked them. */
    record ParkCaller(String callSid, String agentId) implements TwilioAction {
    }

    /** Hang the call up. */
    record EndCall(String callSid) implements TwilioAction {
    }
}
