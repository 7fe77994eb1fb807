package io.switchboard.stack.twilio;

import java.util.Locale;

/** How a simulated agent device reacts when a {@code <Dial><Client>} leg rings it. */
public enum AnswerMode {
    /** Answers after the simulator's answer delay. */
    AUTO,
    /** Declines: the leg ends {@code busy}. */
    REJECT,
    /** Never answers: the leg ends {@code no-answer} when the {@code <Dial timeout>} expires. */
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
