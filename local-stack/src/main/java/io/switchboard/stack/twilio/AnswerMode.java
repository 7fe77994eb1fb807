package io.switchboard.stack.twilio;

import java.util.Locale;

/**
 * How a simulated device (a client identity, or a phone number) reacts when a call rings it: a {@code <Dial>} leg, or
 * a call placed over REST ({@code Calls.json}, a conference participant).
 */
public enum AnswerMode {
    /** Answers after the simulator's answer delay. */
    AUTO,
    /** Declines: the call ends {@code busy}. */
    REJECT,
    /**
     * Never answers: the call ends {@code no-answer} when the {@code <Dial timeout>} (or the REST {@code Timeout})
     * expires.
     */
    IGNORE;

    /** {@code auto}, {@code reject} or {@code ignore}, as the control API spells them. */
    public static AnswerMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("answer must be auto, reject or ignore, not " + value);
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
