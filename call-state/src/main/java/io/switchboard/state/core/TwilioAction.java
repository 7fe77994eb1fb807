package io.switchboard.state.core;

/** What Twilio must be asked to do once a decision is stored. */
public sealed interface TwilioAction {

    String callSid();

    /** Redirect the caller to {@code <Dial><Client>agentId</Client></Dial>}. */
    record ConnectToAgent(String callSid, String agentId) implements TwilioAction {
    }

    /** Put the caller back on hold in the tenant's queue. */
    record ReturnToQueue(String callSid) implements TwilioAction {
    }

    /** Hang the call up. */
    record EndCall(String callSid) implements TwilioAction {
    }
}
