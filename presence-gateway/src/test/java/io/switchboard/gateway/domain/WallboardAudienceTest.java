package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A wallboard change is one frame for supervisors and another, without figures, for every other screen. */
class WallboardAudienceTest {
    private static final String FIGURES = "{\"type\":\"wallboard\",\"tenantId\":\"acme\",\"seq\":7,"
            + "\"wallboard\":{\"callsWaiting\":2}}";

    @Test
    void otherScreensGetTheWallboardsSeqWithoutFigures() throws Exception {
        ChangeHeader header = ChangeHeader.parse(Json.MAPPER, FIGURES);
        assertThat(Json.MAPPER.readTree(header.othersFrame(Json.MAPPER, FIGURES))).isEqualTo(Json.MAPPER.readTree(
                "{\"type\":\"wallboard\",\"tenantId\":\"acme\",\"seq\":7,\"wallboard\":null}"));
    }

    @Test
    void everyOtherChangeIsTheSameFrameForEveryScreen() {
        String agent = "{\"type\":\"agent\",\"tenantId\":\"acme\",\"seq\":8,\"agent\":{}}";
        assertThat(ChangeHeader.parse(Json.MAPPER, agent).othersFrame(Json.MAPPER, agent)).isSameAs(agent);
    }

    @Test
    void aReplayHandsEachScreenItsOwnFrames() {
        RecentChanges recent = new RecentChanges(10);
        recent.record(7, FIGURES, "plain7");
        recent.record(8, "agent8");
        ResumeDecision.Plan plan = ResumeDecision.plan(6, recent);

        assertThat(((ResumeDecision.Replay) ResumeDecision.forScreen(plan, true)).changes())
                .containsExactly(new Change(7, FIGURES, "plain7"), new Change(8, "agent8"));
        assertThat(((ResumeDecision.Replay) ResumeDecision.forScreen(plan, false)).changes())
                .extracting(Change::frame).containsExactly("plain7", "agent8");
        assertThat(ResumeDecision.forScreen(ResumeDecision.plan(2, recent), false))
                .isInstanceOf(ResumeDecision.AskDatabase.class);
    }
}
