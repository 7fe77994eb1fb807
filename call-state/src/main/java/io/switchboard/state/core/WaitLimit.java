package io.switchboard.state.core;

import java.time.Duration;

/**
 * What a tenant set for callers nobody answers ({@code call_handling}): how long they wait, and whether they are then
 * dialled on to the overflow number rather than sent to voicemail.
 *
 * @param maxWait the tenant's wait limit, or null for the service's ({@code switchboard.queue.max-wait})
 */
public record WaitLimit(Duration maxWait, boolean forward) {
    /** A tenant that set nothing: the service's limit, then voicemail. */
    public static final WaitLimit DEFAULT = new WaitLimit(null, false);
}
