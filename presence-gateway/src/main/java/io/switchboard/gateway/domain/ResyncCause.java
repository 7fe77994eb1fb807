package io.switchboard.gateway.domain;

import java.util.Locale;

/** Why a connection got a resync snapshot instead of the next change. */
public enum ResyncCause {
    /** A change never reached this gateway (a hole in the seq). */
    GAP,
    /** A resume the buffer could not answer (too old, nothing buffered yet, or a seq the database never reached). */
    RESUME,
    /** The send queue overflowed; the client drained and got a fresh picture. */
    SLOW_CLIENT;

    /** The cause as metrics tag it. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
