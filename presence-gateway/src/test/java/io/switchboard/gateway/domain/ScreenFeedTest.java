package io.switchboard.gateway.domain;

import static io.switchboard.gateway.domain.ScreenFeedSpec.T0;
import static io.switchboard.gateway.domain.ScreenFeedSpec.WINDOW;
import static io.switchboard.gateway.domain.ScreenFeedSpec.change;
import static io.switchboard.gateway.domain.ScreenFeedSpec.given;

import io.switchboard.gateway.domain.ScreenFeed.AwaitDrain;
import io.switchboard.gateway.domain.ScreenFeed.ConnectionClosed;
import io.switchboard.gateway.domain.ScreenFeed.DrainTimedOut;
import io.switchboard.gateway.domain.ScreenFeed.Drained;
import io.switchboard.gateway.domain.ScreenFeed.DropWaiting;
import io.switchboard.gateway.domain.ScreenFeed.Ended;
import io.switchboard.gateway.domain.ScreenFeed.FullOfReplies;
import io.switchboard.gateway.domain.ScreenFeed.Open;
import io.switchboard.gateway.domain.ScreenFeed.Overflowed;
import io.switchboard.gateway.domain.ScreenFeed.PlanResume;
import io.switchboard.gateway.domain.ScreenFeed.ReadSnapshot;
import io.switchboard.gateway.domain.ScreenFeed.Replayed;
import io.switchboard.gateway.domain.ScreenFeed.Reply;
import io.switchboard.gateway.domain.ScreenFeed.ResumeAsked;
import io.switchboard.gateway.domain.ScreenFeed.SnapshotFailed;
import io.switchboard.gateway.domain.ScreenFeed.SnapshotRead;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScreenFeedTest {

    @Nested
    class Starting {
        @Test
        void aNewConnectionGetsTheSnapshotThenTheChangesThatArrivedWhileItWasRead() {
            given().opening()
                    .when(change(41)).nothing()
                    .when(change(42)).nothing()
                    .whenSnapshotRead(40).sends("snapshot@40", "c41", "c42")
                    .when(change(43)).sends("c43");
        }

        @Test
        void changesTheSnapshotAlreadyShowsAreNotSentAgain() {
            given().opening().after(change(40), change(41))
                    .whenSnapshotRead(41).sends("snapshot@41")
                    .when(change(42)).sends("c42");
        }

        @Test
        void theFirstSnapshotIsNoResync() {
            given().when(new Open(false)).effects(new ReadSnapshot(1, false))
                    .whenSnapshotRead(7).effects(new ScreenFeed.Send(java.util.List.of(
                            ScreenFeed.Frame.snapshot(7, "snapshot@7"))));
        }

        @Test
        void anUnusableSinceGetsAResyncSnapshot() {
            given().when(new Open(true)).readsSnapshot(true)
                    .whenSnapshotRead(7).resyncs(ResyncCause.RESUME).sends("snapshot@7");
        }

        @Test
        void aSnapshotThatCannotBeReadClosesTheConnection() {
            given().opening().when(new SnapshotFailed(1)).closes(CloseCause.NO_SNAPSHOT);
        }

        @Test
        void aReplyGoesOutAtOnceEvenWhileChangesAreHeld() {
            given().opening().after(change(41))
                    .when(new Reply("ack r1")).sends("ack r1");
        }
    }

    @Nested
    class LiveChanges {
        @Test
        void theNextChangeIsSentAStaleOrDuplicateOneIsNot() {
            given().liveAt(41)
                    .when(change(42)).sends("c42")
                    .when(change(42)).nothing()
                    .when(change(40)).nothing()
                    .when(change(43)).sends("c43");
        }

        @Test
        void aGapIsAnsweredWithAResyncSnapshotThatCoversIt() {
            given().liveAt(41)
                    .when(change(43)).sendsNothing().readsSnapshot(true)
                    .when(change(44)).nothing()
                    .whenSnapshotRead(43).resyncs(ResyncCause.GAP).sends("snapshot@43", "c44")
                    .when(change(45)).sends("c45");
        }

        @Test
        void aSnapshotOlderThanTheChangeThatRevealedAGapIsNeverShown() {
            // The database is behind Kafka (another database than call-state writes): asking again would loop.
            given().liveAt(41).after(change(43))
                    .whenSnapshotRead(42).closes(CloseCause.BEHIND);
        }

        @Test
        void heldChangesWithAHoleAfterTheSnapshotAskForAnotherOne() {
            given().opening().after(change(41), change(43))
                    .whenSnapshotRead(40).sends("snapshot@40", "c41").readsSnapshot(true)
                    .whenSnapshotRead(43).resyncs(ResyncCause.GAP).sends("snapshot@43");
        }
    }

    @Nested
    class Resuming {
        @Test
        void aResumeTheBufferCoversIsAnsweredWithExactlyTheMissedChanges() {
            ScreenFeedSpec spec = given().liveAt(45);
            spec.when(new ResumeAsked(42)).effects(new DropWaiting(), new PlanResume(2, 42));
            spec.when(spec.buffered(43, 45)).effects(new Replayed(3), new ScreenFeed.Send(java.util.List.of(
                            ScreenFeed.Frame.change(43, "c43"), ScreenFeed.Frame.change(44, "c44"),
                            ScreenFeed.Frame.change(45, "c45"))))
                    .when(change(46)).sends("c46");
        }

        @Test
        void changesThatArriveWhileTheBufferIsAskedFollowTheReplay() {
            ScreenFeedSpec spec = given().liveAt(45).after(new ResumeAsked(44), change(46));
            spec.when(spec.buffered(45, 45)).sends("c45", "c46");
        }

        @Test
        void aResumeAtTheSeqTheClientIsAtChangesNothing() {
            given().liveAt(45).when(new ResumeAsked(45)).nothing();
        }

        @Test
        void aResumeWhileAResyncIsUnderWayIsLeftToTheResync() {
            given().liveAt(41).after(change(43)).when(new ResumeAsked(40)).nothing();
        }

        @Test
        void aConnectionOpenedWithSinceAsksTheBufferFirst() {
            ScreenFeedSpec spec = given();
            spec.when(new ScreenFeed.OpenFrom(41)).effects(new PlanResume(1, 41));
            spec.when(spec.buffered(42, 43)).sends("c42", "c43");
        }

        @Test
        void aResumeTheBufferCannotAnswerIsAResyncUnlessTheDatabaseSaysTheClientIsCurrent() {
            ScreenFeedSpec spec = given().openedFrom(10);
            spec.when(spec.notBuffered(OptionalLong.of(20))).effects(new ReadSnapshot(1, true))
                    .whenSnapshotRead(25).resyncs(ResyncCause.RESUME).sends("snapshot@25");
        }

        @Test
        void aClientAtTheDatabasesSeqFollowsLive() {
            ScreenFeedSpec spec = given().openedFrom(25);
            spec.when(spec.notBuffered(OptionalLong.empty()))
                    .whenSnapshotRead(25).nothing()
                    .when(change(26)).sends("c26");
        }

        @Test
        void aClientFromAFasterGatewayFollowsLiveAndTheChangesItHasArriveAsStale() {
            ScreenFeedSpec spec = given().openedFrom(30);
            spec.when(spec.notBuffered(OptionalLong.of(28)))
                    .whenSnapshotRead(31).nothing()
                    .when(change(29)).nothing()
                    .when(change(30)).nothing()
                    .when(change(31)).sends("c31");
        }
    }

    @Nested
    class SlowClients {
        @Test
        void anOverflowWaitsForTheClientToDrainThenResyncs() {
            given().liveAt(41)
                    .when(new Overflowed(T0)).effects(new AwaitDrain())
                    .when(change(42)).nothing()
                    .when(new Drained()).readsSnapshot(true)
                    .whenSnapshotRead(42).resyncs(ResyncCause.SLOW_CLIENT).sends("snapshot@42")
                    .when(change(43)).sends("c43");
        }

        @Test
        void aClientThatDoesNotDrainInTimeIsClosedAsTooSlow() {
            given().overflowedAt(41).when(new DrainTimedOut()).closes(CloseCause.TOO_SLOW);
        }

        @Test
        void aClientThatOverflowsAgainWithinTheWindowIsClosed() {
            ScreenFeedSpec spec = given().overflowedAt(41).after(new Drained());
            spec.after(spec.snapshotRead(42))
                    .when(new Overflowed(T0 + WINDOW - 1)).closes(CloseCause.TOO_SLOW);
        }

        @Test
        void anOverflowOutsideTheWindowIsResyncedAgain() {
            ScreenFeedSpec spec = given().overflowedAt(41).after(new Drained());
            spec.after(spec.snapshotRead(42))
                    .when(new Overflowed(T0 + WINDOW + 1)).effects(new AwaitDrain());
        }

        @Test
        void aSnapshotReadThatAnOverflowOvertookIsThrownAway() {
            // It would land in a queue the client is not emptying; the resync after the drain replaces it.
            ScreenFeedSpec spec = given().liveAt(41).after(change(43));
            int gapRead = spec.catchUp();
            spec.after(new Overflowed(T0))
                    .when(new SnapshotRead(gapRead, 43, "snapshot@43")).nothing();
        }

        @Test
        void aSecondOverflowWhileWaitingForTheDrainWaitsForTheSameDrain() {
            ScreenFeedSpec spec = new ScreenFeedSpec(3);
            spec.liveAt(41).after(new Overflowed(T0))
                    .when(new Overflowed(T0 + 1)).nothing()
                    .when(new Drained()).readsSnapshot(true);
        }

        @Test
        void aQueueFullOfRepliesAloneIsClosedAsTooSlow() {
            given().liveAt(41).when(new FullOfReplies()).closes(CloseCause.TOO_SLOW);
        }

        @Test
        void aDrainNobodyWaitsForChangesNothing() {
            given().liveAt(41).when(new Drained()).nothing().when(new DrainTimedOut()).nothing();
        }
    }

    @Nested
    class Closing {
        @Test
        void anEndDecidedElsewhereClosesWithItsCauseOnce() {
            given().liveAt(41)
                    .when(new Ended(CloseCause.TOKEN_EXPIRED)).closes(CloseCause.TOKEN_EXPIRED)
                    .when(new Ended(CloseCause.DEACTIVATED)).nothing()
                    .when(change(42)).nothing()
                    .when(new Reply("ack r1")).nothing();
        }

        @Test
        void aConnectionThePeerClosedDecidesNothingMore() {
            given().liveAt(41)
                    .when(new ConnectionClosed()).nothing()
                    .when(change(42)).nothing()
                    .when(new Ended(CloseCause.NO_PONG)).nothing();
        }
    }
}
