package io.switchboard.contract;

import java.util.List;

/**
 * The tenant's whole live picture as of {@code seq} (its agents, its calls not over, its voicemails not done): the
 * first frame on every connection. The changes that
 * follow it start at {@code seq + 1}.
 */
public record Snapshot(String type, long seq, List<Agent> agents, List<Call> calls, List<Voicemail> voicemails,
        boolean resync) {

    /** The first snapshot of a connection. */
    public Snapshot(long seq, List<Agent> agents, List<Call> calls, List<Voicemail> voicemails) {
        this("snapshot", seq, agents, calls, voicemails, false);
    }

    /**
     * A snapshot instead of the changes a resuming client asked for ({@code resync: true}): they are older than
     * what the gateway keeps, or the client fell too far behind. The client replaces its whole picture.
     */
    public Snapshot resynced() {
        return new Snapshot(type, seq, agents, calls, voicemails, true);
    }
}
