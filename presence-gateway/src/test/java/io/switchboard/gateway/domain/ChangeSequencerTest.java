package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.gateway.domain.ChangeSequencer.Next;
import io.switchboard.gateway.domain.ChangeSequencer.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSequencerTest {

    private final ChangeSequencer sequencer = new ChangeSequencer(100);

    @Test
    void holdsChangesUntilTheFirstSnapshotThenReplaysOnlyThoseAfterIt() {
        assertThat(sequencer.offer(40, "c40")).isEqualTo(Verdict.HOLD);
        assertThat(sequencer.offer(41, "c41")).isEqualTo(Verdict.HOLD);
        assertThat(sequencer.offer(42, "c42")).isEqualTo(Verdict.HOLD);

        var after = sequencer.snapshotTaken(40);

        assertThat(after.next()).isEqualTo(Next.LIVE);
        assertThat(frames(after)).containsExactly("c41", "c42");
        assertThat(sequencer.lastSeq()).isEqualTo(42);
        assertThat(sequencer.offer(43, "c43")).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void dropsStaleAndDuplicateChanges() {
        sequencer.snapshotTaken(10);
        assertThat(sequencer.offer(11, "c11")).isEqualTo(Verdict.DELIVER);

        assertThat(sequencer.offer(11, "c11")).isEqualTo(Verdict.DROP);
        assertThat(sequencer.offer(9, "c9")).isEqualTo(Verdict.DROP);
        assertThat(sequencer.lastSeq()).isEqualTo(11);
    }

    @Test
    void aGapAsksForAResyncAndTheSnapshotMustCoverTheChangeThatRevealedIt() {
        sequencer.snapshotTaken(10);
        assertThat(sequencer.offer(11, "c11")).isEqualTo(Verdict.DELIVER);

        assertThat(sequencer.offer(13, "c13")).isEqualTo(Verdict.RESYNC);
        assertThat(sequencer.offer(14, "c14")).isEqualTo(Verdict.HOLD);

        var after = sequencer.snapshotTaken(13);
        assertThat(after.next()).isEqualTo(Next.LIVE);
        assertThat(frames(after)).containsExactly("c14");
        assertThat(sequencer.offer(15, "c15")).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void aResyncSnapshotOlderThanTheChangeAlreadyReceivedIsReportedInsteadOfLooping() {
        sequencer.snapshotTaken(10);
        assertThat(sequencer.offer(13, "c13")).isEqualTo(Verdict.RESYNC);

        assertThat(sequencer.snapshotTaken(11).next()).isEqualTo(Next.BEHIND);
    }

    @Test
    void aGapAmongTheHeldChangesIsAnsweredWithAnotherSnapshot() {
        arrive(sequencer, 11, 14, 15);

        var first = sequencer.snapshotTaken(10);
        assertThat(first.next()).isEqualTo(Next.RESYNC);
        assertThat(frames(first)).containsExactly("c11");

        var second = sequencer.snapshotTaken(14);
        assertThat(second.next()).isEqualTo(Next.LIVE);
        assertThat(frames(second)).containsExactly("c15");
    }

    @Test
    void overflowingTheHoldDropsTheOldestAndTheHoleLeadsToAResync() {
        ChangeSequencer small = new ChangeSequencer(2);
        arrive(small, 11, 12, 13);

        var after = small.snapshotTaken(10);

        assertThat(after.next()).isEqualTo(Next.RESYNC);
        assertThat(frames(after)).isEmpty();
        assertThat(small.snapshotTaken(13).next()).isEqualTo(Next.LIVE);
    }

    @Test
    void resumeAtTheCurrentSeqNeedsNothingOtherwiseOneResyncAtATime() {
        assertThat(sequencer.requestResync()).as("the first snapshot is already on its way").isFalse();
        sequencer.snapshotTaken(20);

        assertThat(sequencer.isCurrent(20)).isTrue();
        assertThat(sequencer.isCurrent(17)).isFalse();
        assertThat(sequencer.requestResync()).isTrue();
        assertThat(sequencer.requestResync()).isFalse();
        assertThat(sequencer.offer(21, "c21")).isEqualTo(Verdict.HOLD);
    }

    @Test
    void aResumeReleasesTheMissedChangesThenTheHeldOnesWithoutDuplicates() {
        // Held while the buffer was read: one the replay also has, and two after it.
        arrive(sequencer, 13, 14, 15);

        var after = sequencer.resumed(10, List.of(new Change(11, "c11"), new Change(12, "c12"), new Change(13, "c13")));

        assertThat(after.next()).isEqualTo(Next.LIVE);
        assertThat(frames(after)).containsExactly("c11", "c12", "c13", "c14", "c15");
        assertThat(sequencer.offer(16, "c16")).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void aClientAheadOfTheStreamIsNotSentWhatItAlreadyHas() {
        arrive(sequencer, 11);

        var after = sequencer.resumed(13, List.of());

        assertThat(frames(after)).isEmpty();
        assertThat(sequencer.offer(12, "c12")).isEqualTo(Verdict.DROP);
        assertThat(sequencer.offer(13, "c13")).isEqualTo(Verdict.DROP);
        assertThat(sequencer.offer(14, "c14")).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void aHoleAfterTheReplayAsksForAResync() {
        arrive(sequencer, 14);

        var after = sequencer.resumed(10, List.of(new Change(11, "c11"), new Change(12, "c12")));

        assertThat(after.next()).isEqualTo(Next.RESYNC);
        assertThat(frames(after)).containsExactly("c11", "c12");
        assertThat(sequencer.isHolding()).isTrue();
        assertThat(sequencer.snapshotTaken(14).next()).isEqualTo(Next.LIVE);
    }

    @Test
    void changesHeldOutOfOrderAreReleasedInOrder() {
        arrive(sequencer, 12, 11, 12);

        assertThat(frames(sequencer.snapshotTaken(10))).containsExactly("c11", "c12");
    }

    @Test
    void refusesAnEmptyHold() {
        assertThatThrownBy(() -> new ChangeSequencer(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Changes arriving from Kafka in this order, frame {@code c<seq>} each, before the snapshot or resume: the
     * sequencer holds them (the first test checks that verdict), so the tests using this look at what it releases.
     */
    private static void arrive(ChangeSequencer sequencer, long... seqs) {
        for (long seq : seqs) {
            sequencer.offer(seq, "c" + seq);
        }
    }

    private static List<String> frames(ChangeSequencer.Release release) {
        return release.changes().stream().map(Change::frame).toList();
    }
}
