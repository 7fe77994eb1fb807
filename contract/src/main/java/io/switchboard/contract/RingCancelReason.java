package io.switchboard.contract;

import java.util.Locale;

/**
 * Why a call stopped ringing, as {@code ring_cancel.reason} says it; a call that ended otherwise while it rang gives
 * its end reason (Twilio's final status: {@code busy}, {@code failed}, …).
 */
public enum RingCancelReason {
    /** An agent claimed it ({@code by} names them). */
    CLAIMED,
    /** The caller hung up while it rang. */
    CALLER_HANGUP,
    /** Nobody answered within the tenant's wait limit: the caller went to voicemail or the overflow number. */
    TIMEOUT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
