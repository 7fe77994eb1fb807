package io.switchboard.contract;

import java.util.List;

/**
 * The tenant's whole live picture as of {@code seq} (its agents, its calls not over, its voicemails not done, and for
 * a supervisor the wallboard's figures): the
 * first frame on every connection. The changes that
 * follow it start at {@code seq + 1}.
 */
public record Snapshot(String type, long seq, List<Agent> agents, List<Call> calls, List<Voicemail> voicemails,
        Wallboard wallboard, boolean resync) {

    /** The first snapshot of a connection, without the wallboard's figures. */
    public Snapshot(long seq, List<Agent> agents, List<Call> calls, List<Voicemail> voicemails) {
        this(seq, agents, calls, voicemails, null);
    }

    /**
     * The first snapshot of a connection.
     *
     * @param wallboard the tenant's latest figures as of {@code seq}, for a supervisor's screen; null for any other, or
     *     before the tenant's first figures
     */
    public Snapshot(long seq, List<Agent> agents, List<Call> calls, List<Voicemail> voicemails, Wallboard wallboard) {
        this("snapshot", seq, agents, calls, voicemails, wallboard, false);
    }

    /**
     * A snapshot instead of the changes a resuming client asked for ({@code resync: true}): they are older than
     * what the gateway keeps, or the client fell too far behind. The client replaces its whole picture.
     */
    public Snapshot resynced() {
        return new Snapshot(type, seq, agents, calls, voicemails, wallboard, true);
    }
}
