package io.switchboard.gateway.domain;

import java.util.ArrayDeque;

/**
 * Decides what happens to a connection whose send queue overflowed: it is resynced (its queued changes were dropped;
 * it gets a fresh snapshot once it has drained), unless it overflowed more than {@code maxResyncs} times within
 * {@code windowNanos}: a client that never keeps up is closed instead of costing a snapshot read every few seconds.
 *
 * <p>No I/O, no clock of its own (times are {@link System#nanoTime()} values), not thread-safe.
 */
public final class SlowClientPolicy {

    public enum Verdict {
        RESYNC,
        CLOSE
    }

    private final int maxResyncs;
    private final long windowNanos;
    private final ArrayDeque<Long> overflows = new ArrayDeque<>();

    public SlowClientPolicy(int maxResyncs, long windowNanos) {
        if (maxResyncs < 0 || windowNanos < 0) {
            throw new IllegalArgumentException("maxResyncs and window must not be negative");
        }
        this.maxResyncs = maxResyncs;
        this.windowNanos = windowNanos;
    }

    public Verdict overflowed(long nowNanos) {
        while (!overflows.isEmpty() && nowNanos - overflows.peekFirst() > windowNanos) {
            overflows.pollFirst();
        }
        overflows.addLast(nowNanos);
        if (overflows.size() > maxResyncs) {
            return Verdict.CLOSE;
        }
        return Verdict.RESYNC;
    }
}
