package io.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class WallboardTest {
    private static final Wallboard.AgentFigures DOUG = new Wallboard.AgentFigures("doug", "Doug", Presence.ONLINE,
            AgentStatus.AVAILABLE, Instant.parse("2026-12-01T09:00:00Z"), 3, 1, 180);
    private static final Wallboard FIGURES = new Wallboard(LocalDate.parse("2026-12-01"),
            Instant.parse("2026-12-01T10:00:00Z"), 2, Instant.parse("2026-12-01T09:59:30Z"), 3, 1, 0, 0.75, 20, 7.5,
            List.of(DOUG));

    @Test
    void figuresComputedAgainWithNothingChangedAreTheSame() {
        Wallboard later = new Wallboard(FIGURES.day(), FIGURES.at().plusSeconds(60), 2, FIGURES.longestWaitingSince(),
                3, 1, 0, 0.75, 20, 7.5, List.of(DOUG));
        assertThat(later.sameFiguresAs(FIGURES)).isTrue();
    }

    @Test
    void anyFigureThatChangedMakesThemDifferent() {
        Wallboard oneMoreWaiting = new Wallboard(FIGURES.day(), FIGURES.at(), 3, FIGURES.longestWaitingSince(), 3, 1,
                0, 0.75, 20, 7.5, List.of(DOUG));
        Wallboard dougAway = new Wallboard(FIGURES.day(), FIGURES.at(), 2, FIGURES.longestWaitingSince(), 3, 1, 0,
                0.75, 20, 7.5, List.of(new Wallboard.AgentFigures("doug", "Doug", Presence.ONLINE, AgentStatus.AWAY,
                        Instant.parse("2026-12-01T09:58:00Z"), 3, 1, 180)));
        assertThat(oneMoreWaiting.sameFiguresAs(FIGURES)).isFalse();
        assertThat(dougAway.sameFiguresAs(FIGURES)).isFalse();
        assertThat(FIGURES.sameFiguresAs(null)).isFalse();
    }

    @Test
    void otherScreensGetTheSeqWithoutFigures() throws Exception {
        StateChange.WallboardChanged change = new StateChange.WallboardChanged("acme", 42, FIGURES);
        String plain = Json.MAPPER.writeValueAsString(change.withoutFigures());
        assertThat(Json.MAPPER.readTree(plain)).isEqualTo(Json.MAPPER.readTree(
                "{\"type\":\"wallboard\",\"tenantId\":\"acme\",\"seq\":42,\"wallboard\":null}"));
        StateChange read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(change), StateChange.class);
        assertThat(read).isEqualTo(change);
    }
}
