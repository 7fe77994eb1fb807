package io.switchboard.gateway.domain;

import java.util.List;
import java.util.OptionalLong;

/**
 * How a client that has everything up to {@code since} continues: replay from the tenant's {@link RecentChanges},
 * take it at its word, or give it a resync snapshot.
 *
 * <p>Pure: the shell registers the connection first (so every later change reaches it), then asks {@link #plan}; when
 * the buffer cannot answer, it reads the tenant's snapshot and asks {@link #canFollow} with the snapshot's seq.
 */
public final class ResumeDecision {

    /** The first step of a resume. */
    public sealed interface Plan {
    }

    /** Every change after {@code since} is in the buffer: send exactly these, then live changes. */
    public record Replay(List<Change> changes) implements Plan {
    }

    /** The plan as a supervisor's screen, or any other, follows it: the changes it replays as that screen gets them. */
    public static Plan forScreen(Plan plan, boolean supervisor) {
        return plan instanceof Replay replay
                ? new Replay(replay.changes().stream().map(change -> change.forScreen(supervisor)).toList())
                : plan;
    }

    /**
     * The buffer cannot tell; the database decides. {@code streamLast} is how far this gateway's stream of the tenant
     * had come when the buffer was asked (empty: nothing received for the tenant yet, e.g. the gateway just started).
     */
    public record AskDatabase(OptionalLong streamLast) implements Plan {
    }

    private ResumeDecision() {
    }

    public static Plan plan(long since, RecentChanges recent) {
        return recent.after(since).<Plan>map(Replay::new).orElseGet(() -> new AskDatabase(recent.last()));
    }

    /**
     * Whether a client at {@code since} can go on with live changes alone, given the tenant's committed seq read after
     * the buffer was asked. True when:
     * <ul>
     * <li>{@code since} is the database's seq: the client has everything, nothing is missing;
     * <li>or the client is ahead of this gateway's stream but not of the database (it was on a faster gateway): the
     *     changes up to {@code since} are still on their way here, arrive as stale and are dropped, and the ones after
     *     it are delivered as usual.
     * </ul>
     * Otherwise (too old for the buffer, a tenant whose stream this gateway has not seen yet, or a seq the database
     * never reached) the client gets a resync snapshot.
     */
    public static boolean canFollow(long since, OptionalLong streamLast, long databaseSeq) {
        if (since == databaseSeq) {
            return true;
        }
        return streamLast.isPresent() && since > streamLast.getAsLong() && since < databaseSeq;
    }
}
