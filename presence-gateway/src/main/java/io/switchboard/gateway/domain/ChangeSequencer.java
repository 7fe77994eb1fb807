package io.switchboard.gateway.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stitches one connection's stream together: a starting point at seq S (a snapshot, or the seq a resuming client
 * already has), then each change S+1, S+2, … exactly once and in order, with no hole.
 *
 * <p>Changes that arrive while the starting point is being worked out (a snapshot read, a resume) are held and
 * released after it (those it already covers are dropped). A change at or below the last seq the client has is stale
 * and dropped. A change beyond the next one reveals a gap (for instance the gateway joined Kafka after a change was
 * published): rather than leave a hole, the connection gets a fresh snapshot (a resync).
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
        /** The starting point is being worked out; the change was kept for after it. */
        HOLD,
        /** A change was missed: read a fresh snapshot (nothing to send until then). */
        RESYNC
    }

    /** What follows a starting point. */
    public enum Next {
        /** Caught up; live changes flow. */
        LIVE,
        /** The held changes have a gap: send what was released, then read a snapshot. */
        RESYNC,
        /** The snapshot is older than a change already received: do not send it; the database is behind Kafka. */
        BEHIND
    }

    /** @param changes to send right after the starting point (after the snapshot frame, if there is one), in order */
    public record Release(Next next, List<Change> changes) {
    }

    private final int maxHeld;
    private final TreeMap<Long, String> held = new TreeMap<>();
    private long lastSeq = NONE;
    private boolean holding = true;
    /** The next snapshot must contain this seq: the change that revealed a gap was received before it was read. */
    private long mustCover = NONE;

    /** A new connection: its starting point is being worked out. */
    public ChangeSequencer(int maxHeld) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, was " + maxHeld);
        }
        this.maxHeld = maxHeld;
    }

    public Verdict offer(long seq, String frame) {
        if (holding) {
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
        holding = true;
        mustCover = seq;
        return Verdict.RESYNC;
    }

    /**
     * Starts holding live changes until a new starting point is known: the client asked to resume, its send queue
     * overflowed, or the gateway wants a fresh snapshot.
     *
     * @return true when this started it; false when changes were already being held (a starting point is already
     *         being worked out)
     */
    public boolean requestResync() {
        if (holding) {
            return false;
        }
        holding = true;
        return true;
    }

    /** A snapshot of the tenant at {@code snapshotSeq} was read; the caller sends it, then the released changes. */
    public Release snapshotTaken(long snapshotSeq) {
        if (snapshotSeq < mustCover) {
            return new Release(Next.BEHIND, List.of());
        }
        return release(snapshotSeq, List.of());
    }

    /**
     * The client has everything up to {@code since} (it said so, and the gateway agrees) and is sent {@code missed}
     * (the changes after it, contiguous and in order) followed by the held changes that come after them.
     */
    public Release resumed(long since, List<Change> missed) {
        return release(since, missed);
    }

    /** True when the client is live and its last frame has this seq (a {@code resume} with it needs nothing). */
    public boolean isCurrent(long seq) {
        return !holding && seq == lastSeq;
    }

    /** True while live changes are held for a starting point being worked out. */
    public boolean isHolding() {
        return holding;
    }

    /** The seq of the last frame handed out (snapshot or change); {@link #NONE} before the first starting point. */
    public long lastSeq() {
        return lastSeq;
    }

    private Release release(long start, List<Change> missed) {
        lastSeq = start;
        holding = false;
        mustCover = NONE;
        List<Change> out = new ArrayList<>(missed.size() + held.size());
        for (Change change : missed) {
            if (!take(change.seq(), change.frame(), out)) {
                return gap(change.seq(), out);
            }
        }
        while (!held.isEmpty()) {
            Map.Entry<Long, String> next = held.pollFirstEntry();
            if (!take(next.getKey(), next.getValue(), out)) {
                return gap(next.getKey(), out);
            }
        }
        return new Release(Next.LIVE, out);
    }

    /** @return false when {@code seq} leaves a hole after {@link #lastSeq} */
    private boolean take(long seq, String frame, List<Change> out) {
        if (seq <= lastSeq) {
            return true;
        }
        if (seq != lastSeq + 1) {
            return false;
        }
        out.add(new Change(seq, frame));
        lastSeq = seq;
        return true;
    }

    /** The changes still held after the hole stay: the next snapshot drops those it already covers. */
    private Release gap(long seq, List<Change> released) {
        holding = true;
        mustCover = seq;
        return new Release(Next.RESYNC, released);
    }

    private void hold(long seq, String frame) {
        held.put(seq, frame);
        if (held.size() > maxHeld) {
            // The oldest goes: the hole it leaves shows up after the starting point and is answered with a resync.
            held.pollFirstEntry();
        }
    }
}
