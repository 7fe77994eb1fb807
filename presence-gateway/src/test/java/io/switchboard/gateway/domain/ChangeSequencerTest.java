package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.gateway.domain.ChangeSequencer.Next;
import io.switchboard.gateway.domain.ChangeSequencer.Verdict;
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
        assertThat(after.frames()).containsExactly("c41", "c42");
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
        assertThat(after.frames()).containsExactly("c14");
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
        sequencer.offer(11, "c11");
        sequencer.offer(14, "c14");
        sequencer.offer(15, "c15");

        var first = sequencer.snapshotTaken(10);
        assertThat(first.next()).isEqualTo(Next.RESYNC);
        assertThat(first.frames()).containsExactly("c11");

        var second = sequencer.snapshotTaken(14);
        assertThat(second.next()).isEqualTo(Next.LIVE);
        assertThat(second.frames()).containsExactly("c15");
    }

    @Test
    void overflowingTheHoldDropsTheOldestAndTheHoleLeadsToAResync() {
        ChangeSequencer small = new ChangeSequencer(2);
        small.offer(11, "c11");
        small.offer(12, "c12");
        small.offer(13, "c13");

        var after = small.snapshotTaken(10);

        assertThat(after.next()).isEqualTo(Next.RESYNC);
        assertThat(after.frames()).isEmpty();
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
    void refusesAnEmptyHold() {
        assertThatThrownBy(() -> new ChangeSequencer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
