package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.MAX_WAIT;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.PARKED_AT;
import static io.switchboard.state.core.DeciderSpec.PARK_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import io.switchboard.contract.Wallboard;
import io.switchboard.state.core.CallStep.Offer;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.RingIncoming;
import io.switchboard.state.core.WallboardFigures.AgentDay;
import io.switchboard.state.core.WallboardFigures.AgentNow;
import io.switchboard.state.core.WallboardFigures.Day;
import io.switchboard.state.core.WallboardFigures.DayTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The wallboard's pure parts: the tenant's day, the quotients, whom a ringing step offers the call to, the wait. */
class WallboardFiguresTest {

    @Nested
    class TheDay {
        @Test
        void isTheLocalDayOfTheTenantsZone() {
            Day day = WallboardFigures.dayOf(Instant.parse("2026-12-01T04:30:00Z"), ZoneId.of("America/New_York"));
            assertThat(day.date()).isEqualTo(LocalDate.parse("2026-11-30"));
            assertThat(day.from()).isEqualTo(Instant.parse("2026-11-30T05:00:00Z"));
            assertThat(day.until()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        }

        @Test
        void acrossADaylightSavingChangeRunsFromMidnightToMidnight() {
            Day spring = WallboardFigures.dayOf(Instant.parse("2026-03-08T12:00:00Z"), ZoneId.of("America/New_York"));
            assertThat(Duration.between(spring.from(), spring.until())).isEqualTo(Duration.ofHours(23));
            Day autumn = WallboardFigures.dayOf(Instant.parse("2026-11-01T12:00:00Z"), ZoneId.of("America/New_York"));
            assertThat(Duration.between(autumn.from(), autumn.until())).isEqualTo(Duration.ofHours(25));
        }
    }

    @Nested
    class TheQuotients {
        @Test
        void serviceLevelIsTheShareOfOfferedCallsAnsweredWithinTheThreshold() {
            assertThat(WallboardFigures.serviceLevel(3, 4)).isEqualTo(0.75);
            assertThat(WallboardFigures.serviceLevel(0, 2)).isEqualTo(0.0);
            assertThat(WallboardFigures.serviceLevel(0, 0)).isNull();
        }

        @Test
        void averageAnswerIsTheMeanWaitInSecondsFromMicroseconds() {
            assertThat(WallboardFigures.averageAnswerSeconds(7_500_000 + 2_500_001, 2)).isEqualTo(5.0000005);
            assertThat(WallboardFigures.averageAnswerSeconds(0, 0)).isNull();
        }

        @Test
        void everyActiveAgentIsShownInTheOrderGivenWithADayOfNothingWhenTheyHadNone() {
            Day day = WallboardFigures.dayOf(T0, ZoneId.of("UTC"));
            Wallboard figures = WallboardFigures.of(day, T0, 2, T0.minusSeconds(40),
                    new DayTotals(3, 1, 1, 5, 2, 30_000_000), 20,
                    List.of(new AgentNow("doug", "Doug", Presence.ONLINE, AgentStatus.BUSY, T0.minusSeconds(5)),
                            new AgentNow("rhonda", "Rhonda", Presence.OFFLINE, AgentStatus.AWAY, T0)),
                    Map.of("doug", new AgentDay(2, 95, 1)));
            assertThat(figures.day()).isEqualTo(LocalDate.parse("2026-11-21"));
            assertThat(figures.serviceLevel()).isEqualTo(0.4);
            assertThat(figures.averageAnswerSeconds()).isEqualTo(10.0);
            assertThat(figures.agents()).containsExactly(
                    new Wallboard.AgentFigures("doug", "Doug", Presence.ONLINE, AgentStatus.BUSY, T0.minusSeconds(5),
                            2, 1, 95),
                    new Wallboard.AgentFigures("rhonda", "Rhonda", Presence.OFFLINE, AgentStatus.AWAY, T0, 0, 0, 0));
        }
    }

    @Nested
    class WhomARingingStepOffersTheCallTo {
        @Test
        void aNewCallRingsForEveryAvailableAgent() {
            var rang = given().noCall().when(new RingIncoming(CALL, CALLER, NUMBER, T0));
            assertThat(rang.applied().steps()).extracting(CallStep::offered)
                    .containsExactly(Offer.EVERY_AVAILABLE_AGENT);
        }

        @Test
        void aClaimOffersItToNobodyAndAClaimGivenBackToEveryoneAgain() {
            var claimed = given().ringing().when(new Claim(CALL, "doug", T0.plusSeconds(2)));
            assertThat(claimed.applied().steps()).extracting(CallStep::offered).containsOnlyNulls();
            var givenBack = given().situationFrom(claimed)
                    .when(new Input.AgentLegStatus(CALL, "CA-LEG-1", "doug", NO_ANSWER, T0.plusSeconds(20)));
            assertThat(givenBack.applied().steps()).extracting(CallStep::step, CallStep::offered)
                    .contains(org.assertj.core.groups.Tuple.tuple("given_back", Offer.EVERY_AVAILABLE_AGENT));
        }

        @Test
        void aParkTimeoutRingsBackTheParkerAlone() {
            var rangBack = given().parked().when(new DeadlinePassed(CALL, PARKED_AT.plus(PARK_TIMEOUT)));
            assertThat(rangBack.applied().steps()).extracting(CallStep::step, CallStep::offered)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("rang_back", new Offer("doug")));
        }
    }

    @Nested
    class WhenTheCallerBeganToWait {
        final CallRecord ringing = CallRecord.ringing(CALL, "acme", CALLER, NUMBER, T0, T0.plus(MAX_WAIT));

        @Test
        void aNewCallWaitsFromItsStartAsTheLimitCountsIt() {
            assertThat(TenantRules.waitBegan(TenantRules.DEFAULT, null, ringing, MAX_WAIT)).isEqualTo(T0);
            assertThat(TenantRules.waitBegan(new TenantRules(Duration.ofSeconds(30), false), null,
                    CallRecord.ringing(CALL, "acme", CALLER, NUMBER, T0, T0.plusSeconds(30)), MAX_WAIT))
                    .isEqualTo(T0);
        }

        @Test
        void aClaimGivenBackKeepsTheWaitAndARingBackStartsItAnew() {
            CallRecord claimed = ringing.claimedBy("doug", T0.plusSeconds(2), T0.plusSeconds(27));
            assertThat(TenantRules.waitBegan(TenantRules.DEFAULT, claimed, claimed.released("agent_no_answer"),
                    MAX_WAIT)).isNull();
            Instant ringBack = T0.plusSeconds(300);
            CallRecord rangBack = ringing.ringingBack("park_timeout", "doug", ringBack.plusSeconds(15),
                    ringBack.plus(MAX_WAIT));
            assertThat(TenantRules.waitBegan(TenantRules.DEFAULT, ringing, rangBack, MAX_WAIT)).isEqualTo(ringBack);
        }

        @Test
        void aCallThatDoesNotRingWaitsForNobody() {
            CallRecord claimed = ringing.claimedBy("doug", T0.plusSeconds(2), T0.plusSeconds(27));
            assertThat(TenantRules.waitBegan(TenantRules.DEFAULT, null, claimed, MAX_WAIT)).isNull();
        }
    }
}
