package io.switchboard.gateway.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The most recent changes of one tenant as this gateway received them, so a client that lost its connection can be
 * sent exactly what it missed instead of a whole snapshot.
 *
 * <p>Holds at most {@code capacity} changes, always contiguous ({@code first..last} with no hole): the memory a tenant
 * costs is bounded, and "covered" can only mean "every change in between is here". A change that leaves a hole
 * (the gateway missed one) starts the buffer afresh at that change; one at or below {@code last} is a redelivery and
 * is ignored.
 *
 * <p>No I/O and not thread-safe: the owner serializes calls.
 */
public final class RecentChanges {
    private final int capacity;
    private final ArrayDeque<Change> changes;

    public RecentChanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.changes = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public void record(long seq, String frame) {
        record(new Change(seq, frame));
    }

    /** Records a change whose frame differs for screens that are not a supervisor's ({@link Change#othersFrame}). */
    public void record(long seq, String frame, String othersFrame) {
        record(new Change(seq, frame, othersFrame));
    }

    private void record(Change change) {
        long seq = change.seq();
        if (!changes.isEmpty()) {
            long last = changes.peekLast().seq();
            if (seq <= last) {
                return;
            }
            if (seq != last + 1) {
                changes.clear();
            }
        }
        if (changes.size() == capacity) {
            changes.pollFirst();
        }
        changes.addLast(change);
    }

    /**
     * The changes after {@code since}, when every one of them is here: from {@code since + 1} to the newest, in order
     * (empty when {@code since} is the newest). Empty optional when the buffer does not reach back to
     * {@code since + 1}, or {@code since} is beyond the newest change.
     */
    public java.util.Optional<List<Change>> after(long since) {
        if (changes.isEmpty()) {
            return java.util.Optional.empty();
        }
        long first = changes.peekFirst().seq();
        long last = changes.peekLast().seq();
        if (since < first - 1 || since > last) {
            return java.util.Optional.empty();
        }
        List<Change> missed = new ArrayList<>((int) (last - since));
        for (Change change : changes) {
            if (change.seq() > since) {
                missed.add(change);
            }
        }
        return java.util.Optional.of(missed);
    }

    /** The newest change received, i.e. how far this gateway's stream of the tenant has come; empty before any. */
    public OptionalLong last() {
        return changes.isEmpty() ? OptionalLong.empty() : OptionalLong.of(changes.peekLast().seq());
    }

    public int size() {
        return changes.size();
    }
}
