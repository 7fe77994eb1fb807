package io.switchboard.state.core;

import java.time.Duration;

/**
 * What a tenant set for its own calls, each null when it keeps the service's default ({@link CallDecider.Timing}):
 * how long callers wait ({@code call_handling}) and whether they are then dialled on to the overflow number rather than
 * sent to voicemail; how long a parked call waits, how long its ring-back rings for the parker alone, and an agent's
 * wrap-up ({@code tenants}).
 */
public record TenantRules(Duration maxWait, boolean forward, Duration parkTimeout, Duration parkerRingTime,
        Duration wrapUp) {
    /** A tenant that set nothing: the service's times, then voicemail. */
    public static final TenantRules DEFAULT = new TenantRules(null, false, null, null, null);

    /** A tenant that set only its wait limit. */
    public TenantRules(Duration maxWait, boolean forward) {
        this(maxWait, forward, null, null, null);
    }
}
