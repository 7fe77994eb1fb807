package io.switchboard.contract;

import java.util.Locale;

/**
 * Why a call stopped ringing, as {@code ring_cancel.reason} says it; a call that ended otherwise while it rang gives
 * its end reason (Twilio's final status: {@code busy}, {@code failed}, …). A call never stops ringing because nobody
 * answered: it rings until an agent claims it or the caller leaves.
 */
public enum RingCancelReason {
    /** An agent claimed it ({@code by} names them). */
    CLAIMED,
    /** The caller hung up while it rang. */
    CALLER_HANGUP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
