package io.switchboard.state.core;

import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.DOUG;
import static io.switchboard.state.core.DeciderSpec.OFFLINE_GRACE;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.Fact.AgentUpdated;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.ReviewAgent;
import io.switchboard.state.core.Input.SetStatus;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AvailabilityDeciderTest {
    static final Instant T5 = T0.plusSeconds(5);

    @Nested
    class Status {
        @Test
        void anAgentSetsThemselvesAwayAndBack() {
            given().when(new SetStatus("doug", AgentStatus.AWAY, T5))
                    .facts(new AgentUpdated(DOUG.withStatus(AgentStatus.AWAY)))
                    .changes("agent:doug:away");
            given().agent(DOUG.withStatus(AgentStatus.AWAY)).when(new SetStatus("doug", AgentStatus.AVAILABLE, T5))
                    .changes("agent:doug:available");
        }

        @Test
        void settingTheSameStatusAgainChangesNothing() {
            given().when(new SetStatus("doug", AgentStatus.AVAILABLE, T5)).nothing();
        }

        @Test
        void busyAndWrapUpAreNotTheAgentsToSet() {
            given().when(new SetStatus("doug", AgentStatus.BUSY, T5)).rejected(ErrorCode.BAD_REQUEST, "available or away");
            given().when(new SetStatus("doug", null, T5)).rejected(ErrorCode.BAD_REQUEST, "available or away");
        }

        @Test
        void onACallTheStatusWaits() {
            given().connectedTo("doug").when(new SetStatus("doug", AgentStatus.AWAY, T5))
                    .rejected(ErrorCode.AGENT_BUSY, "on a call");
        }

        @Test
        void settingAStatusEndsWrapUpEarly() {
            given().agent(DOUG.free(T5.plusSeconds(30))).when(new SetStatus("doug", AgentStatus.AVAILABLE, T5))
                    .changes("agent:doug:available")
                    .agent("doug", a -> assertThat(a.wrapUpUntil()).isNull());
        }

        @Test
        void anUnknownAgentIsRefused() {
            given().without("doug").when(new SetStatus("doug", AgentStatus.AWAY, T5))
                    .rejected(ErrorCode.UNKNOWN_AGENT, "doug");
        }

        @Test
        void becomingAvailableMakesAWaitingCallClaimable() {
            var away = given().ringing().agent(DOUG.withStatus(AgentStatus.AWAY));
            away.when(new Claim(CALL, "doug", T5)).rejected(ErrorCode.NOT_OFFERED, "away");
            var back = away.when(new SetStatus("doug", AgentStatus.AVAILABLE, T5));
            given().situationFrom(back).when(new Claim(CALL, "doug", T5.plusSeconds(1)))
                    .facts(new CallClaimed(CALL, "doug", T5.plusSeconds(1), T5.plusSeconds(1).plus(CLAIM_TIMEOUT)));
        }
    }

    @Nested
    class WrapUp {
        @Test
        void endsAtItsDeadline() {
            Instant until = T5.plusSeconds(30);
            given().agent(DOUG.free(until)).when(new ReviewAgent("doug", 1, false, until))
                    .changes("agent:doug:available");
        }

        @Test
        void notBefore() {
            Instant until = T5.plusSeconds(30);
            given().agent(DOUG.free(until)).when(new ReviewAgent("doug", 1, false, until.minusMillis(1))).nothing();
        }
    }

    @Nested
    class Presence_ {
        final AgentRecord offline = DOUG.withPresence(Presence.OFFLINE, null);

        @Test
        void theFirstConnectionBringsTheAgentOnline() {
            given().agent(offline).when(new ReviewAgent("doug", 1, false, T5))
                    .facts(new AgentUpdated(DOUG))
                    .changes("agent:doug:available");
        }

        @Test
        void aSecondTabChangesNothing() {
            given().when(new ReviewAgent("doug", 2, false, T5)).nothing();
        }

        @Test
        void closingTheLastTabStartsTheGraceQuietly() {
            given().when(new ReviewAgent("doug", 0, false, T5))
                    .changes()
                    .agent("doug", a -> {
                        assertThat(a.presence()).isEqualTo(Presence.ONLINE);
                        assertThat(a.offlineAt()).isEqualTo(T5.plus(OFFLINE_GRACE));
                    });
        }

        @Test
        void reconnectingWithinTheGraceKeepsTheAgentOnline() {
            given().agent(DOUG.withPresence(Presence.ONLINE, T5.plus(OFFLINE_GRACE)))
                    .when(new ReviewAgent("doug", 1, false, T5.plusSeconds(2)))
                    .changes()
                    .agent("doug", a -> assertThat(a.offlineAt()).isNull());
        }

        @Test
        void afterTheGraceTheAgentIsOfflineForEveryone() {
            given().agent(DOUG.withPresence(Presence.ONLINE, T5.plus(OFFLINE_GRACE)))
                    .when(new ReviewAgent("doug", 0, false, T5.plus(OFFLINE_GRACE)))
                    .changes("agent:doug:available:offline")
                    .agent("doug", a -> assertThat(a.offlineAt()).isNull());
        }

        @Test
        void beforeTheGraceEndsNothingShows() {
            given().agent(DOUG.withPresence(Presence.ONLINE, T5.plus(OFFLINE_GRACE)))
                    .when(new ReviewAgent("doug", 0, false, T5.plusSeconds(1))).nothing();
        }

        @Test
        void connectionsOfADeadGatewayTakeTheAgentOfflineAtOnce() {
            given().when(new ReviewAgent("doug", 0, true, T5))
                    .changes("agent:doug:available:offline");
        }

        @Test
        void anOfflineAgentWithoutConnectionsStaysSo() {
            given().agent(offline).when(new ReviewAgent("doug", 0, false, T5)).nothing();
        }
    }
}
