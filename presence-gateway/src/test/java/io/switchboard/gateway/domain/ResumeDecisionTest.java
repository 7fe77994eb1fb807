package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.domain.ResumeDecision.AskDatabase;
import io.switchboard.gateway.domain.ResumeDecision.Replay;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResumeDecisionTest {

    private final RecentChanges recent = new RecentChanges(100);

    @Test
    void replaysWhenTheBufferCoversEverythingAfterTheClientsSeq() {
        for (long seq = 41; seq <= 50; seq++) {
            recent.record(seq, "c" + seq);
        }

        var plan = ResumeDecision.plan(45, recent);

        assertThat(plan).isInstanceOf(Replay.class);
        assertThat(((Replay) plan).changes()).extracting(Change::seq).containsExactly(46L, 47L, 48L, 49L, 50L);
    }

    @Test
    void asksTheDatabaseWhenTheBufferCannotTell() {
        recent.record(41, "c41");

        assertThat(ResumeDecision.plan(30, recent)).as("too old").isEqualTo(new AskDatabase(OptionalLong.of(41)));
        assertThat(ResumeDecision.plan(45, recent)).as("ahead").isEqualTo(new AskDatabase(OptionalLong.of(41)));
        assertThat(ResumeDecision.plan(45, new RecentChanges(10))).as("nothing buffered yet")
                .isEqualTo(new AskDatabase(OptionalLong.empty()));
    }

    @Test
    void aClientAtTheDatabasesSeqFollowsLiveEvenOnAGatewayThatJustStarted() {
        assertThat(ResumeDecision.canFollow(45, OptionalLong.empty(), 45)).isTrue();
        assertThat(ResumeDecision.canFollow(45, OptionalLong.of(41), 45)).isTrue();
    }

    @Test
    void aClientAheadOfThisGatewaysStreamButNotOfTheDatabaseFollowsLive() {
        assertThat(ResumeDecision.canFollow(45, OptionalLong.of(41), 48)).isTrue();
    }

    @Test
    void everythingElseIsAResync() {
        assertThat(ResumeDecision.canFollow(30, OptionalLong.of(41), 48)).as("too old for the buffer").isFalse();
        assertThat(ResumeDecision.canFollow(40, OptionalLong.empty(), 48))
                .as("this gateway has not seen the tenant's stream: 41..48 may never come").isFalse();
        assertThat(ResumeDecision.canFollow(60, OptionalLong.of(41), 48)).as("beyond the database").isFalse();
        assertThat(ResumeDecision.canFollow(60, OptionalLong.empty(), 48)).isFalse();
    }
}
