package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

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

    /**
     * When the caller of {@code after} began to wait, as the wait limit counts it, if they began anew between
     * {@code before} and {@code after}: a RINGING call's {@code waitUntil} is set to the moment the wait begins plus
     * the limit when it starts ringing, and again on a park's or a transfer's ring-back, and kept while a claim is
     * given back. Null when the wait goes on as before, or the call is not ringing.
     *
     * @param rules the tenant's rules, read in the same transaction as the decision that set {@code waitUntil}
     */
    public static Instant waitBegan(TenantRules rules, CallRecord before, CallRecord after, Duration serviceMaxWait) {
        if (after == null || after.state() != CallState.RINGING || after.waitUntil() == null) {
            return null;
        }
        if (before != null && Objects.equals(before.waitUntil(), after.waitUntil())) {
            return null;
        }
        Duration limit = rules == null || rules.maxWait() == null ? serviceMaxWait : rules.maxWait();
        return after.waitUntil().minus(limit);
    }
}
