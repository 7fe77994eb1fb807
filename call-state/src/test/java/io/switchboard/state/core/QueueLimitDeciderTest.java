package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.MAX_WAIT;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.PARKED_AT;
import static io.switchboard.state.core.DeciderSpec.PARKER_RING_TIME;
import static io.switchboard.state.core.DeciderSpec.PARK_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.CallState;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.OverflowUndone;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import io.switchboard.state.core.Fact.WaitLimitReached;
import io.switchboard.state.core.Input.CallerLegStatus;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.ForwardEnded;
import io.switchboard.state.core.Input.OverflowFailed;
import io.switchboard.state.core.Input.RingIncoming;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** No caller waits forever: the tenant's wait limit, voicemail and the overflow number, and calls after hours. */
class QueueLimitDeciderTest {
    static final Instant LIMIT = T0.plus(MAX_WAIT);

    @Nested
    class TheWaitLimit {
        @Test
        void aCallerWaitsTheServicesLimitWhenTheTenantSetNone() {
            given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0))
                    .call(call -> {
                        assertThat(call.waitUntil()).isEqualTo(LIMIT);
                        assertThat(call.deadline()).isEqualTo(LIMIT);
                    });
        }

        @Test
        void aTenantsOwnLimitWins() {
            given().noCall().rules(new TenantRules(Duration.ofSeconds(5), false))
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0))
                    .call(call -> assertThat(call.waitUntil()).isEqualTo(T0.plusSeconds(5)));
        }

        @Test
        void atTheLimitTheRingingStopsForEveryScreenAndTheCallerGoesToVoicemail() {
            given().ringing()
                    .when(new DeadlinePassed(CALL, LIMIT))
                    .facts(new WaitLimitReached(CALL, CallState.VOICEMAIL))
                    .actions(new TwilioAction.Overflow(CALL, false))
                    .changes("ring_cancel:timeout", "call:VOICEMAIL")
                    .call(call -> {
                        assertThat(call.deadline()).isNull();
                        assertThat(call.ringReason()).isEqualTo("timeout");
                    });
        }

        @Test
        void aTenantThatForwardsSendsTheCallerToItsOverflowNumber() {
            given().ringing().rules(new TenantRules(null, true))
                    .when(new DeadlinePassed(CALL, LIMIT))
                    .facts(new WaitLimitReached(CALL, CallState.FORWARDED))
                    .actions(new TwilioAction.Overflow(CALL, true))
                    .changes("ring_cancel:timeout", "call:FORWARDED");
        }

        @Test
        void beforeTheLimitNothingHappens() {
            given().ringing().when(new DeadlinePassed(CALL, LIMIT.minusMillis(1))).nothing();
        }

        @Test
        void screensCountDownToTheLimitWhileTheCallRingsOnly() {
            var rang = given().noCall().when(new RingIncoming(CALL, CALLER, NUMBER, T0));
            assertThat(Projection.view(rang.applied().situation().call()).waitUntil()).isEqualTo(LIMIT);
            var claimed = given().situationFrom(rang).when(new Claim(CALL, "doug", T0.plusSeconds(2)));
            assertThat(Projection.view(claimed.applied().situation().call()).waitUntil()).isNull();
        }

        @Test
        void aClaimGivenBackKeepsTheLimitTheCallerHadAlready() {
            Instant claimedAt = T0.plusSeconds(2);
            var claimed = given().ringing().when(new Claim(CALL, "doug", claimedAt));
            given().situationFrom(claimed).when(new DeadlinePassed(CALL, claimedAt.plus(CLAIM_TIMEOUT)))
                    .call(call -> {
                        assertThat(call.state()).isEqualTo(CallState.RINGING);
                        assertThat(call.waitUntil()).isEqualTo(LIMIT);
                        assertThat(call.deadline()).isEqualTo(LIMIT);
                    });
        }

        @Test
        void aParkRingingBackWaitsAFreshLimitAndTheParkerAloneFirst() {
            Instant timedOut = PARKED_AT.plus(PARK_TIMEOUT);
            given().parked().when(new DeadlinePassed(CALL, timedOut))
                    .call(call -> {
                        assertThat(call.waitUntil()).isEqualTo(timedOut.plus(MAX_WAIT));
                        assertThat(call.deadline()).isEqualTo(timedOut.plus(PARKER_RING_TIME));
                    });
        }

        @Test
        void aLimitShorterThanTheParkersRingTimeComesFirst() {
            Instant timedOut = PARKED_AT.plus(PARK_TIMEOUT);
            var ringingBack = given().parked().rules(new TenantRules(Duration.ofSeconds(5), false))
                    .when(new DeadlinePassed(CALL, timedOut))
                    .call(call -> assertThat(call.deadline()).isEqualTo(timedOut.plusSeconds(5)));
            given().situationFrom(ringingBack).when(new DeadlinePassed(CALL, timedOut.plusSeconds(5)))
                    .facts(new WaitLimitReached(CALL, CallState.VOICEMAIL))
                    .changes("ring_cancel:timeout", "call:VOICEMAIL");
        }

        @Test
        void aClaimGivenBackAfterTheLimitSendsTheCallerOnAtOnce() {
            var rang = given().noCall().rules(new TenantRules(Duration.ofSeconds(5), false))
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0));
            var claimed = given().situationFrom(rang).rules(new TenantRules(Duration.ofSeconds(5), false))
                    .when(new Claim(CALL, "doug", T0.plusSeconds(4)));
            Instant timedOut = T0.plusSeconds(4).plus(CLAIM_TIMEOUT);
            given().situationFrom(claimed).when(new DeadlinePassed(CALL, timedOut))
                    .facts(new Fact.ClaimReleased(CALL, "doug", "claim_timeout"),
                            new WaitLimitReached(CALL, CallState.VOICEMAIL))
                    .actions(new TwilioAction.Overflow(CALL, false))
                    .changes("call:RINGING", "agent:doug:available", "ring_cancel:timeout", "call:VOICEMAIL");
        }

        @Test
        void aClaimedCallIsNeverSentAwayAtTheLimit() {
            Instant limit = T0.plusSeconds(5);
            var claimed = given().noCall().rules(new TenantRules(Duration.ofSeconds(5), false))
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0));
            var answering = given().situationFrom(claimed).when(new Claim(CALL, "doug", T0.plusSeconds(2)));
            given().situationFrom(answering).when(new DeadlinePassed(CALL, limit)).nothing();
        }
    }

    @Nested
    class WhenTwilioRefusesTheOverflow {
        @Test
        void aCallerStillWaitingRingsAgainWithANewLimit() {
            var overflowed = given().ringing().when(new DeadlinePassed(CALL, LIMIT));
            Instant at = LIMIT.plusSeconds(1);
            given().situationFrom(overflowed).when(new OverflowFailed(CALL, false, at))
                    .facts(new OverflowUndone(CALL, at.plus(MAX_WAIT)))
                    .changes("call:RINGING")
                    .call(call -> {
                        assertThat(call.ringReason()).isEqualTo("overflow_failed");
                        assertThat(call.deadline()).isEqualTo(at.plus(MAX_WAIT));
                    });
        }

        @Test
        void aCallerWhoIsGoneEndsTheCallWithTheirOwnEnd() {
            var overflowed = given().ringing().when(new DeadlinePassed(CALL, LIMIT));
            given().situationFrom(overflowed).when(new OverflowFailed(CALL, true, LIMIT.plusSeconds(1))).nothing();
        }
    }

    @Nested
    class HowTheCallEnds {
        @Test
        void aCallerWhoHangsUpAfterTheirMessageEndsAVoicemailCall() {
            var overflowed = given().ringing().when(new DeadlinePassed(CALL, LIMIT));
            given().situationFrom(overflowed)
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, LIMIT.plusSeconds(30)))
                    .facts(new CallEnded(CALL, "completed", LIMIT.plusSeconds(30), null))
                    // Twilio is asked for the message too, in case its recording callback is lost for good.
                    .actions(new TwilioAction.FindVoicemail(CALL, CALLER, NUMBER))
                    .changes("call:ENDED")
                    .call(call -> assertThat(call.outcome()).isEqualTo("voicemail"));
        }

        @Test
        void theForwardsDialEndingEndsTheCallWithItsStatus() {
            var forwarded = given().ringing().rules(new TenantRules(null, true))
                    .when(new DeadlinePassed(CALL, LIMIT));
            given().situationFrom(forwarded).when(new ForwardEnded(CALL, NO_ANSWER, LIMIT.plusSeconds(30)))
                    .facts(new CallEnded(CALL, "forward_no_answer", LIMIT.plusSeconds(30), null))
                    .call(call -> assertThat(call.outcome()).isEqualTo("forwarded"));
        }

        @Test
        void aForwardEndedForACallNotForwardedChangesNothing() {
            given().ringing().when(new ForwardEnded(CALL, COMPLETED, T0.plusSeconds(3))).nothing();
        }

        @Test
        void aCallerWhoHangsUpWaitingAbandonedTheCall() {
            given().ringing().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T0.plusSeconds(9)))
                    .call(call -> assertThat(call.outcome()).isEqualTo("abandoned"));
        }

        @Test
        void aCallTheAgentTalkedOnWasAnswered() {
            given().connectedTo("doug").when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T0.plusSeconds(60)))
                    .call(call -> assertThat(call.outcome()).isEqualTo("answered"));
        }
    }

    @Nested
    class TheHistorysSteps {
        @Test
        void aCallSentToVoicemailRangReachedItsLimitLeftAMessageAndEnded() {
            var rang = given().noCall().when(new RingIncoming(CALL, CALLER, NUMBER, T0)).steps("rang");
            var overflowed = given().situationFrom(rang).when(new DeadlinePassed(CALL, LIMIT))
                    .steps("wait_limit:voicemail");
            var left = given().situationFrom(overflowed).when(new Input.VoicemailRecorded(CALL, "RE1", CALLER, NUMBER,
                    "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", 9, LIMIT.plusSeconds(20)))
                    .steps("voicemail:RE1");
            given().situationFrom(left)
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, LIMIT.plusSeconds(15)))
                    .steps("ended:completed");
        }

        @Test
        void aClaimAnswerHoldAndEndAreEachAStepWithTheirAgent() {
            var claimed = given().ringing().when(new Claim(CALL, "doug", T0.plusSeconds(2)))
                    .steps("claimed:doug");
            given().connectedTo("doug").when(new Input.Hold(CALL, "doug", true, T0.plusSeconds(9)))
                    .steps("held:doug");
            given().situationFrom(claimed)
                    .when(new Input.AgentLegStatus(CALL, "CA-LEG-1", "doug", NO_ANSWER, T0.plusSeconds(20)))
                    .steps("given_back:doug:agent_no_answer");
        }
    }

    @Nested
    class AfterHours {
        @Test
        void aCallerSentToVoicemailRingsNobodyAndShowsAsVoicemail() {
            Instant at = T0;
            given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, at, TwilioEvent.CallIncoming.VOICEMAIL))
                    .facts(new CallRang(CallRecord.afterHours(CALL, "acme", CALLER, NUMBER, at)))
                    .changes("call:VOICEMAIL")
                    .call(call -> {
                        assertThat(call.deadline()).isNull();
                        assertThat(call.ringReason()).isEqualTo("after_hours");
                    });
        }

        @Test
        void itEndsAsMissedAfterHours() {
            var arrived = given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0, TwilioEvent.CallIncoming.VOICEMAIL));
            given().situationFrom(arrived)
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T0.plusSeconds(40)))
                    .call(call -> assertThat(call.outcome()).isEqualTo("missed_after_hours"));
        }

        @Test
        void aCallerWhoHearsTheClosedMessageIsInTheHistoryOnly() {
            given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0, TwilioEvent.CallIncoming.MESSAGE))
                    .facts(new UnseenCallEnded(CALL, CALLER, NUMBER, "after_hours", T0))
                    .changes()
                    .call(call -> assertThat(call.outcome()).isEqualTo("missed_after_hours"));
        }

        @Test
        void theLimitNeverSendsAnAfterHoursCallerAnywhere() {
            var arrived = given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0, TwilioEvent.CallIncoming.VOICEMAIL));
            given().situationFrom(arrived).when(new DeadlinePassed(CALL, LIMIT)).nothing();
            given().situationFrom(arrived).when(new OverflowFailed(CALL, false, LIMIT)).nothing();
        }
    }
}
