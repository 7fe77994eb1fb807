package io.switchboard.gateway.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Stitches one connection's stream together: a snapshot at seq S, then each change S+1, S+2, … exactly once and in
 * order, with no hole.
 *
 * <p>Changes that arrive while a snapshot is being read are held and replayed after it (those the snapshot already
 * contains are dropped). A change at or below the last seq the client has is stale and dropped. A change beyond the
 * next one reveals a gap (for instance the gateway joined Kafka after a change was published): rather than leave a
 * hole, the connection gets a fresh snapshot (a resync).
 *
 * <p>Why a resync always converges: call-state publishes a change only after the transaction that made it committed,
 * so a snapshot read that starts after a change was received contains it. {@link #snapshotTaken} checks exactly
 * that and reports {@link Next#BEHIND} instead of looping when the database is behind the change stream.
 *
 * <p>No I/O and not thread-safe: the owning session serializes calls.
 */
public final class ChangeSequencer {
    public static final long NONE = -1;

    /** What to do with one live change. */
    public enum Verdict {
        /** Send it now: it is the next one. */
        DELIVER,
        /** Already covered (stale or duplicate); nothing to send. */
        DROP,
        /** A snapshot is on its way; the change was kept for after it. */
        HOLD,
        /** A change was missed: read a fresh snapshot (nothing to send until then). */
        RESYNC
    }

    /** What follows a snapshot. */
    public enum Next {
        /** Caught up; live changes flow. */
        LIVE,
        /** The held changes have a gap: send this snapshot and what follows it, then read another one. */
        RESYNC,
        /** The snapshot is older than a change already received: do not send it; the database is behind Kafka. */
        BEHIND
    }

    /** @param frames held changes to send right after the snapshot, in order */
    public record AfterSnapshot(Next next, List<String> frames) {
    }

    private record Held(long seq, String frame) {
    }

    private final int maxHeld;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long lastSeq = NONE;
    private boolean awaitingSnapshot = true;
    /** The next snapshot must contain this seq: the change that revealed a gap was received before it was read. */
    private long mustCover = NONE;

    /** A new connection: its first snapshot is being read. */
    public ChangeSequencer(int maxHeld) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, was " + maxHeld);
        }
        this.maxHeld = maxHeld;
    }

    public Verdict offer(long seq, String frame) {
        if (awaitingSnapshot) {
            hold(seq, frame);
            return Verdict.HOLD;
        }
        if (seq <= lastSeq) {
            return Verdict.DROP;
        }
        if (seq == lastSeq + 1) {
            lastSeq = seq;
            return Verdict.DELIVER;
        }
        // Not held: the snapshot read for this resync starts after it arrived, so it contains it.
        awaitingSnapshot = true;
        mustCover = seq;
        return Verdict.RESYNC;
    }

    /**
     * The client asked for a fresh snapshot (or the gateway wants one).
     *
     * @return true when a snapshot read should start; false when one is already on its way
     */
    public boolean requestResync() {
        if (awaitingSnapshot) {
            return false;
        }
        awaitingSnapshot = true;
        return true;
    }

    /** A snapshot of the tenant at {@code snapshotSeq} was read; the caller sends it, then {@code frames}. */
    public AfterSnapshot snapshotTaken(long snapshotSeq) {
        if (snapshotSeq < mustCover) {
            return new AfterSnapshot(Next.BEHIND, List.of());
        }
        lastSeq = snapshotSeq;
        awaitingSnapshot = false;
        mustCover = NONE;
        List<String> frames = new ArrayList<>();
        while (!held.isEmpty()) {
            Held next = held.poll();
            if (next.seq() <= lastSeq) {
                continue;
            }
            if (next.seq() == lastSeq + 1) {
                frames.add(next.frame());
                lastSeq = next.seq();
                continue;
            }
            awaitingSnapshot = true;
            mustCover = next.seq();
            return new AfterSnapshot(Next.RESYNC, frames);
        }
        return new AfterSnapshot(Next.LIVE, frames);
    }

    /** True when the client is live and its last frame has this seq (a {@code resume} with it needs nothing). */
    public boolean isCurrent(long seq) {
        return !awaitingSnapshot && seq == lastSeq;
    }

    /** The seq of the last frame handed out (snapshot or change); {@link #NONE} before the first snapshot. */
    public long lastSeq() {
        return lastSeq;
    }

    private void hold(long seq, String frame) {
        if (held.size() == maxHeld) {
            // The oldest goes: the hole it leaves shows up after the snapshot and is answered with a resync.
            held.poll();
        }
        held.add(new Held(seq, frame));
    }
}
