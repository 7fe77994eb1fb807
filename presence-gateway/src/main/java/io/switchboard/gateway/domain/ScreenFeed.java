package io.switchboard.gateway.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one agent's connection is sent, in which order, and when the gateway gives up on it: a state machine. Each
 * {@link Event} moves it to its next state and returns the {@link Effect}s the shell carries out (send frames, read the
 * tenant's snapshot, ask the tenant's buffer of recent changes, wait for the send queue to drain, close with a cause);
 * what those bring back (the snapshot, the plan, the queue overflowing or draining) comes back as events.
 *
 * <ul>
 * <li><b>A starting point, then changes in order.</b> A connection starts from a snapshot, or from the seq a resuming
 *     client has; changes that arrive meanwhile are held and released after it ({@link ChangeSequencer}).
 * <li><b>Catch-ups.</b> Working out a starting point (a snapshot read, a resume) is a catch-up with a number; only the
 *     newest may release the held changes, so a snapshot read that an overflow or a newer resume overtook is thrown
 *     away rather than sent on top of it.
 * <li><b>Resume</b> ({@code ?since=} or a {@code resume} frame): replay from the tenant's buffer, follow live, or a
 *     resync snapshot ({@link ResumeDecision}).
 * <li><b>Gaps</b>: a change that leaves a hole gets a resync snapshot.
 * <li><b>Slow clients</b>: when the send queue overflows, the client gets a resync snapshot once it has drained, unless
 *     it overflows too often ({@link SlowClientPolicy}) or does not drain in time: then it is closed (4429).
 * <li><b>Closes</b>: once closed (by the gateway, with a {@link CloseCause}, or by the peer) nothing more is decided.
 * </ul>
 *
 * <p>No I/O and no clock (times come with events); not thread-safe: the shell hands it one event at a time. Its state
 * is this object's, changed in place, so a backlog held while a snapshot is read is not copied for every change.
 */
public final class ScreenFeed {

    /** A frame for the client. State frames (changes, snapshots) can be replaced by a resync; replies cannot. */
    public record Frame(String text, long seq, boolean state) {
        public static Frame change(long seq, String text) {
            return new Frame(text, seq, true);
        }

        public static Frame snapshot(long seq, String text) {
            return new Frame(text, seq, true);
        }

        public static Frame reply(String text) {
            return new Frame(text, -1, false);
        }
    }

    /** What happens to a connection. */
    public sealed interface Event {
    }

    /** The connection opened without {@code ?since=}: it starts from a snapshot. */
    public record Open(boolean resync) implements Event {
    }

    /** The connection opened with {@code ?since=}: it continues after {@code since}. */
    public record OpenFrom(long since) implements Event {
    }

    /** A change of the tenant, exactly as it came from Kafka. */
    public record ChangeArrived(long seq, String frame) implements Event {
    }

    /** The client says it has everything up to {@code since} and nothing after. */
    public record ResumeAsked(long since) implements Event {
    }

    /** The answer to {@link PlanResume}: what the tenant's buffer holds after {@code since}. */
    public record ResumePlanned(int catchUp, ResumeDecision.Plan plan) implements Event {
    }

    /** The answer to {@link ReadSnapshot}: the tenant's picture as of {@code seq}, as its frame. */
    public record SnapshotRead(int catchUp, long seq, String frame) implements Event {
    }

    /** The snapshot of {@link ReadSnapshot} could not be read. */
    public record SnapshotFailed(int catchUp) implements Event {
    }

    /** The answer to a command: outside the seq order. */
    public record Reply(String frame) implements Event {
    }

    /** A frame found the send queue full: its waiting state frames were dropped. */
    public record Overflowed(long nowNanos) implements Event {
    }

    /** A reply found the send queue full of replies alone. */
    public record FullOfReplies() implements Event {
    }

    /** The answer to {@link AwaitDrain}: everything queued was handed to the socket, and it takes more. */
    public record Drained() implements Event {
    }

    /** {@link AwaitDrain} waited longer than the drain timeout. */
    public record DrainTimedOut() implements Event {
    }

    /** The gateway ends the connection for a reason found elsewhere: token expiry, deactivation, silence, a bug. */
    public record Ended(CloseCause cause) implements Event {
    }

    /** The connection closed, whoever closed it. */
    public record ConnectionClosed() implements Event {
    }

    /** What the shell does. */
    public sealed interface Effect {
    }

    /** Queue these frames, in this order, behind everything queued before. */
    public record Send(List<Frame> frames) implements Effect {
    }

    /** Ask the tenant's buffer what it holds after {@code since}; answer with {@link ResumePlanned}. */
    public record PlanResume(int catchUp, long since) implements Effect {
    }

    /** Read the tenant's snapshot; answer with {@link SnapshotRead} or {@link SnapshotFailed}. */
    public record ReadSnapshot(int catchUp, boolean resync) implements Effect {
    }

    /** Drop the state frames waiting in the send queue (a resume replaces them); replies stay. */
    public record DropWaiting() implements Effect {
    }

    /** Answer with {@link Drained} once the send queue has drained, or {@link DrainTimedOut}. */
    public record AwaitDrain() implements Effect {
    }

    /** Close the connection with {@code cause}. */
    public record Close(CloseCause cause) implements Effect {
    }

    /** Count a resync snapshot that was sent. */
    public record Resynced(ResyncCause cause) implements Effect {
    }

    /** Count a resume answered from the buffer with {@code changes} changes. */
    public record Replayed(int changes) implements Effect {
    }

    /** What the catch-up under way is for. */
    private sealed interface CatchUp {
    }

    /** A snapshot is being read; {@code cause} null for a connection's first. */
    private record Snapshotting(ResyncCause cause) implements CatchUp {
    }

    /** A resume at {@code since}: the buffer is asked. */
    private record Resuming(long since) implements CatchUp {
    }

    /** A resume the buffer could not answer: the database's seq decides. */
    private record CheckingResume(long since, OptionalLong streamLast) implements CatchUp {
    }

    private final ChangeSequencer sequencer;
    private final SlowClientPolicy slowClients;
    private int catchUps;
    private CatchUp catchUp;
    private boolean waitingForDrain;
    private boolean closed;

    /**
     * A connection just registered with its tenant: every change from now on reaches it, and is held until its starting
     * point is known.
     */
    public ScreenFeed(int maxHeldChanges, SlowClientPolicy slowClients) {
        this.sequencer = new ChangeSequencer(maxHeldChanges);
        this.slowClients = slowClients;
    }

    /** Moves to the next state; returns what the shell does, in order. */
    public List<Effect> on(Event event) {
        if (closed) {
            return List.of();
        }
        if (event instanceof ChangeArrived change) {
            return changeArrived(change);
        }
        if (event instanceof Reply reply) {
            return List.of(new Send(List.of(Frame.reply(reply.frame()))));
        }
        if (event instanceof Open open) {
            return startCatchUp(new Snapshotting(open.resync() ? ResyncCause.RESUME : null));
        }
        if (event instanceof OpenFrom from) {
            return startCatchUp(new Resuming(from.since()));
        }
        if (event instanceof ResumeAsked resume) {
            return resumeAsked(resume.since());
        }
        if (event instanceof ResumePlanned planned) {
            return current(planned.catchUp()) ? resumePlanned(planned.plan()) : List.of();
        }
        if (event instanceof SnapshotRead read) {
            return current(read.catchUp()) ? snapshotRead(read.seq(), read.frame()) : List.of();
        }
        if (event instanceof SnapshotFailed) {
            // Even an overtaken read: the database is away, and the next read would fail alike.
            return close(CloseCause.NO_SNAPSHOT);
        }
        if (event instanceof Overflowed overflowed) {
            return overflowed(overflowed.nowNanos());
        }
        if (event instanceof FullOfReplies) {
            return close(CloseCause.TOO_SLOW);
        }
        if (event instanceof Drained) {
            return waitingForDrain ? drained() : List.of();
        }
        if (event instanceof DrainTimedOut) {
            return waitingForDrain ? close(CloseCause.TOO_SLOW) : List.of();
        }
        if (event instanceof Ended ended) {
            return close(ended.cause());
        }
        closed = true; // ConnectionClosed
        return List.of();
    }

    /** Whether the gateway closed the connection or saw it close: nothing more is decided. */
    public boolean isClosed() {
        return closed;
    }

    private boolean current(int number) {
        return number == catchUps;
    }

    private List<Effect> startCatchUp(CatchUp next) {
        catchUp = next;
        int number = ++catchUps;
        if (next instanceof Resuming resuming) {
            return List.of(new PlanResume(number, resuming.since()));
        }
        return List.of(new ReadSnapshot(number, ((Snapshotting) next).cause() != null));
    }

    private List<Effect> changeArrived(ChangeArrived change) {
        return switch (sequencer.offer(change.seq(), change.frame())) {
            case DELIVER -> waitingForDrain ? List.of()
                    : List.of(new Send(List.of(Frame.change(change.seq(), change.frame()))));
            case HOLD, DROP -> List.of();
            case RESYNC -> resync(ResyncCause.GAP);
        };
    }

    private List<Effect> resumeAsked(long since) {
        if (sequencer.isCurrent(since) || !sequencer.requestResync()) {
            // Nothing missing; or a starting point is already being worked out (a gap, an overflow), which replaces
            // the client's picture anyway.
            return List.of();
        }
        List<Effect> effects = new ArrayList<>(2);
        effects.add(new DropWaiting());
        effects.addAll(startCatchUp(new Resuming(since)));
        return effects;
    }

    private List<Effect> resumePlanned(ResumeDecision.Plan plan) {
        long since = ((Resuming) catchUp).since();
        if (plan instanceof ResumeDecision.Replay replay) {
            List<Effect> effects = new ArrayList<>(3);
            effects.add(new Replayed(replay.changes().size()));
            release(sequencer.resumed(since, replay.changes()), null, effects);
            return effects;
        }
        catchUp = new CheckingResume(since, ((ResumeDecision.AskDatabase) plan).streamLast());
        // Read as a resync: if the client cannot follow live from since, this snapshot replaces its picture.
        return List.of(new ReadSnapshot(catchUps, true));
    }

    private List<Effect> snapshotRead(long seq, String frame) {
        List<Effect> effects = new ArrayList<>(3);
        if (catchUp instanceof CheckingResume check
                && ResumeDecision.canFollow(check.since(), check.streamLast(), seq)) {
            release(sequencer.resumed(check.since(), List.of()), null, effects);
            return effects;
        }
        ResyncCause cause = catchUp instanceof Snapshotting snapshotting ? snapshotting.cause() : ResyncCause.RESUME;
        ChangeSequencer.Release release = sequencer.snapshotTaken(seq);
        if (release.next() == ChangeSequencer.Next.BEHIND) {
            // Sending it would show the client an older picture than a change it is owed: the database is behind Kafka.
            return close(CloseCause.BEHIND);
        }
        if (cause != null) {
            effects.add(new Resynced(cause));
        }
        release(release, Frame.snapshot(seq, frame), effects);
        return effects;
    }

    /** Sends the starting point (if it is a frame) and the changes released after it, then what follows them. */
    private void release(ChangeSequencer.Release release, Frame start, List<Effect> effects) {
        List<Frame> frames = new ArrayList<>(release.changes().size() + 1);
        if (start != null) {
            frames.add(start);
        }
        release.changes().forEach(change -> frames.add(Frame.change(change.seq(), change.frame())));
        if (!frames.isEmpty()) {
            effects.add(new Send(frames));
        }
        switch (release.next()) {
            case LIVE -> {
            }
            case RESYNC -> effects.addAll(resync(ResyncCause.GAP));
            case BEHIND -> effects.addAll(close(CloseCause.BEHIND));
        }
    }

    private List<Effect> resync(ResyncCause cause) {
        if (waitingForDrain) {
            // The snapshot that follows the drain is the resync.
            return List.of();
        }
        catchUp = new Snapshotting(cause);
        return List.of(new ReadSnapshot(++catchUps, true));
    }

    private List<Effect> overflowed(long nowNanos) {
        if (slowClients.overflowed(nowNanos) == SlowClientPolicy.Verdict.CLOSE) {
            return close(CloseCause.TOO_SLOW);
        }
        sequencer.requestResync();
        // Whatever catch-up was under way would land in a queue the client is not emptying.
        catchUps++;
        if (waitingForDrain) {
            return List.of();
        }
        waitingForDrain = true;
        return List.of(new AwaitDrain());
    }

    private List<Effect> drained() {
        waitingForDrain = false;
        return resync(ResyncCause.SLOW_CLIENT);
    }

    private List<Effect> close(CloseCause cause) {
        closed = true;
        return List.of(new Close(cause));
    }
}
