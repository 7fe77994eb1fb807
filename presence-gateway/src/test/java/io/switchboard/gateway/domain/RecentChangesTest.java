package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RecentChangesTest {

    private final RecentChanges recent = new RecentChanges(3);

    @Test
    void answersWithExactlyTheChangesAfterTheGivenSeq() {
        recent.record(11, "c11");
        recent.record(12, "c12");
        recent.record(13, "c13");

        assertThat(seqs(recent.after(10).orElseThrow())).containsExactly(11L, 12L, 13L);
        assertThat(seqs(recent.after(12).orElseThrow())).containsExactly(13L);
        assertThat(recent.after(13).orElseThrow()).as("the client is current").isEmpty();
    }

    @Test
    void keepsOnlyTheNewestAndCannotAnswerForOlderSeqs() {
        for (long seq = 11; seq <= 15; seq++) {
            recent.record(seq, "c" + seq);
        }

        assertThat(recent.size()).isEqualTo(3);
        assertThat(seqs(recent.after(12).orElseThrow())).containsExactly(13L, 14L, 15L);
        assertThat(recent.after(11)).as("12 is gone: replaying from 13 would leave a hole").isEmpty();
    }

    @Test
    void cannotAnswerForASeqBeyondTheNewestOrWhenEmpty() {
        assertThat(recent.after(0)).isEmpty();
        assertThat(recent.last()).isEmpty();

        recent.record(11, "c11");

        assertThat(recent.after(12)).isEmpty();
        assertThat(recent.last()).isEqualTo(OptionalLong.of(11));
    }

    @Test
    void aHoleInTheStreamStartsTheBufferAfresh() {
        recent.record(11, "c11");
        recent.record(12, "c12");
        recent.record(14, "c14");

        assertThat(recent.after(11)).as("13 never came").isEmpty();
        assertThat(seqs(recent.after(13).orElseThrow())).containsExactly(14L);
        assertThat(recent.size()).isEqualTo(1);
    }

    @Test
    void redeliveriesChangeNothing() {
        recent.record(11, "c11");
        recent.record(12, "c12");
        recent.record(11, "again");
        recent.record(12, "again");

        assertThat(recent.after(10).orElseThrow()).extracting(Change::frame).containsExactly("c11", "c12");
    }

    @Test
    void refusesAnEmptyBuffer() {
        assertThatThrownBy(() -> new RecentChanges(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> seqs(List<Change> changes) {
        return changes.stream().map(Change::seq).toList();
    }
}
