package io.switchboard.state.core;

import io.switchboard.contract.CallState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a tenant set for callers nobody answers ({@code call_handling}): how long they wait, and whether they are then
 * dialled on to the overflow number rather than sent to voicemail.
 *
 * @param maxWait the tenant's wait limit, or null for the service's ({@code switchboard.queue.max-wait})
 */
public record WaitLimit(Duration maxWait, boolean forward) {
    /** A tenant that set nothing: the service's limit, then voicemail. */
    public static final WaitLimit DEFAULT = new WaitLimit(null, false);

    /** The limit in force: the tenant's, or the service's for a tenant that set none. */
    static Duration of(WaitLimit limit, Duration serviceMaxWait) {
        return limit == null || limit.maxWait() == null ? serviceMaxWait : limit.maxWait();
    }

    /**
     * When the caller of {@code after} began to wait, as the wait limit counts it, if they began anew between
     * {@code before} and {@code after}: a RINGING call's {@code waitUntil} is set to the moment the wait begins plus
     * the limit when it starts ringing, and again on a park's or a transfer's ring-back, and kept while a claim is
     * given back. Null when the wait goes on as before, or the call is not ringing.
     *
     * @param limit the tenant's limit, read in the same transaction as the decision that set {@code waitUntil}
     */
    public static Instant waitBegan(WaitLimit limit, CallRecord before, CallRecord after, Duration serviceMaxWait) {
        if (after == null || after.state() != CallState.RINGING || after.waitUntil() == null) {
            return null;
        }
        if (before != null && Objects.equals(before.waitUntil(), after.waitUntil())) {
            return null;
        }
        return after.waitUntil().minus(of(limit, serviceMaxWait));
    }
}
