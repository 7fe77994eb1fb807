package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.domain.ScreenFeed.Effect;
import io.switchboard.gateway.domain.ScreenFeed.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A given / when / then language for a connection's feed: a situation reached by events, one event, the effects. Frames
 * are their texts: {@code "snapshot@41"} is the snapshot at seq 41, {@code "c42"} the change with seq 42.
 */
final class ScreenFeedSpec {
    static final int MAX_HELD = 100;
    /** One resync after an overflow within the window; the next overflow closes the client. */
    static final int MAX_RESYNCS = 1;
    static final long WINDOW = Duration.ofMinutes(5).toNanos();
    static final long T0 = 1_000_000_000L;

    private final ScreenFeed feed;
    /** The number of the newest catch-up the feed started (what its answers must carry). */
    private int catchUp;

    /** A client may be resynced {@code maxResyncs} times within the window after overflows. */
    ScreenFeedSpec(int maxResyncs) {
        feed = new ScreenFeed(MAX_HELD, new SlowClientPolicy(maxResyncs, WINDOW));
    }

    static ScreenFeedSpec given() {
        return new ScreenFeedSpec(MAX_RESYNCS);
    }

    /** A new connection whose first snapshot is being read. */
    ScreenFeedSpec opening() {
        return after(new ScreenFeed.Open(false));
    }

    /** A connection whose screen shows the tenant as of {@code seq}, following live changes. */
    ScreenFeedSpec liveAt(long seq) {
        return opening().after(snapshotRead(seq));
    }

    /** A connection opened with {@code ?since=}: the tenant's buffer is being asked. */
    ScreenFeedSpec openedFrom(long since) {
        return after(new ScreenFeed.OpenFrom(since));
    }

    /** Live at {@code seq}, then the send queue overflowed at {@code T0}. */
    ScreenFeedSpec overflowedAt(long seq) {
        return liveAt(seq).after(new ScreenFeed.Overflowed(T0));
    }

    /** Whatever else happened first. */
    ScreenFeedSpec after(Event... events) {
        for (Event event : events) {
            remember(feed.on(event));
        }
        return this;
    }

    Then when(Event event) {
        List<Effect> effects = feed.on(event);
        remember(effects);
        return new Then(this, effects);
    }

    /** The answer to the snapshot read asked for last. */
    Then whenSnapshotRead(long seq) {
        return when(snapshotRead(seq));
    }

    static Event change(long seq) {
        return new ScreenFeed.ChangeArrived(seq, "c" + seq);
    }

    /** The answer to the newest snapshot read: the tenant at {@code seq}. */
    Event snapshotRead(long seq) {
        return new ScreenFeed.SnapshotRead(catchUp, seq, "snapshot@" + seq);
    }

    /** The tenant's buffer holds every change from {@code first} to {@code last}. */
    Event buffered(long first, long last) {
        List<Change> changes = new ArrayList<>();
        for (long seq = first; seq <= last; seq++) {
            changes.add(new Change(seq, "c" + seq));
        }
        return new ScreenFeed.ResumePlanned(catchUp, new ResumeDecision.Replay(changes));
    }

    /** The tenant's buffer cannot tell; this gateway's stream of the tenant came up to {@code streamLast}. */
    Event notBuffered(OptionalLong streamLast) {
        return new ScreenFeed.ResumePlanned(catchUp, new ResumeDecision.AskDatabase(streamLast));
    }

    int catchUp() {
        return catchUp;
    }

    ScreenFeed feed() {
        return feed;
    }

    private void remember(List<Effect> effects) {
        for (Effect effect : effects) {
            if (effect instanceof ScreenFeed.ReadSnapshot read) {
                catchUp = read.catchUp();
            } else if (effect instanceof ScreenFeed.PlanResume plan) {
                catchUp = plan.catchUp();
            }
        }
    }

    record Then(ScreenFeedSpec spec, List<Effect> effects) {

        /** Exactly these effects, in this order. */
        Then effects(Effect... expected) {
            assertThat(effects).containsExactly(expected);
            return this;
        }

        Then nothing() {
            assertThat(effects).isEmpty();
            return this;
        }

        /** The frames queued for the client, in order, whatever else happens. */
        Then sends(String... frames) {
            assertThat(effects.stream().filter(ScreenFeed.Send.class::isInstance)
                    .flatMap(send -> ((ScreenFeed.Send) send).frames().stream()).map(ScreenFeed.Frame::text))
                    .containsExactly(frames);
            return this;
        }

        Then sendsNothing() {
            return sends();
        }

        /** A snapshot read is asked for, marked as a resync or not. */
        Then readsSnapshot(boolean resync) {
            assertThat(effects).contains(new ScreenFeed.ReadSnapshot(spec.catchUp(), resync));
            return this;
        }

        Then resyncs(ResyncCause cause) {
            assertThat(effects).contains(new ScreenFeed.Resynced(cause));
            return this;
        }

        Then closes(CloseCause cause) {
            assertThat(effects).containsExactly(new ScreenFeed.Close(cause));
            assertThat(spec.feed().isClosed()).isTrue();
            return this;
        }

        Then when(Event next) {
            return spec.when(next);
        }

        /** The answer to the snapshot read just asked for. */
        Then whenSnapshotRead(long seq) {
            return spec.when(spec.snapshotRead(seq));
        }
    }
}
