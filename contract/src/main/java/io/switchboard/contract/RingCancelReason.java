package io.switchboard.contract;

import java.util.Locale;

/** Why a call stopped ringing, as {@code ring_cancel.reason} says it. */
public enum RingCancelReason {
    /** An agent claimed it ({@code by} names them). */
    CLAIMED,
    /** The caller hung up while it rang. */
    CALLER_HANGUP,
    /** Nobody answered in time. */
    TIMEOUT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
