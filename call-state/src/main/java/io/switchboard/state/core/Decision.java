package io.switchboard.state.core;

import io.switchboard.contract.ErrorCode;
import java.util.List;

/**
 * The decider's answer: the facts to store, the Twilio actions to take after they are stored, and — for a
 * command — whether it was refused. An empty decision means "nothing to do" (a duplicate, a late callback).
 */
public record Decision(List<Fact> facts, List<TwilioAction> actions, Rejection rejection) {

    public static final Decision NOTHING = new Decision(List.of(), List.of(), null);

    static Decision of(List<Fact> facts, List<TwilioAction> actions) {
        return new Decision(facts, actions, null);
    }

    static Decision of(Fact fact) {
        return new Decision(List.of(fact), List.of(), null);
    }

    static Decision reject(ErrorCode code, String message) {
        return new Decision(List.of(), List.of(), new Rejection(code, message));
    }

    public boolean rejected() {
        return rejection != null;
    }
}
