package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.IN_PROGRESS;
import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.PARKED_AT;
import static io.switchboard.state.core.DeciderSpec.PARKER_RING_TIME;
import static io.switchboard.state.core.DeciderSpec.PARK_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.MAX_WAIT;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.WRAP_UP;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.Fact.BackInSlot;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallParked;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.ParkTimedOut;
import io.switchboard.state.core.Fact.ParkUndone;
import io.switchboard.state.core.Input.AgentLegStatus;
import io.switchboard.state.core.Input.CallerLegStatus;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.DialEnded;
import io.switchboard.state.core.Input.Hangup;
import io.switchboard.state.core.Input.Park;
import io.switchboard.state.core.Input.ParkConfirmed;
import io.switchboard.state.core.Input.ParkFailed;
import io.switchboard.state.core.Input.Retrieve;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ParkingDeciderTest {
    static final Instant T20 = T0.plusSeconds(20);
    static final Instant PARK_DEADLINE = PARKED_AT.plus(PARK_TIMEOUT);

    @Nested
    class Parking {
        @Test
        void theAgentOnTheCallParksItInTheLowestFreeSlotAndIsFreed() {
            given().connectedTo("doug").lot(701, 720, 701, 703)
                    .when(new Park(CALL, "doug", T20))
                    .facts(new CallParked(CALL, "doug", 702, T20, T20.plus(PARK_TIMEOUT), T20.plus(WRAP_UP)))
                    .actions(new TwilioAction.ParkCaller(CALL, "doug", T20))
                    .changes("call:PARKED:slot702", "agent:doug:wrap_up")
                    .call(call -> {
                        assertThat(call.parkedBy()).isEqualTo("doug");
                        assertThat(call.parkedAt()).isEqualTo(T20);
                        assertThat(call.agentId()).isNull();
                    })
                    .agentIs("doug", AgentStatus.WRAP_UP, null);
        }

        @Test
        void withoutWrapUpTheParkerIsAvailableAtOnce() {
            given().connectedTo("doug")
                    .timing(new CallDecider.Timing(CLAIM_TIMEOUT, PARK_TIMEOUT, PARKER_RING_TIME, Duration.ZERO,
                            Duration.ZERO, DeciderSpec.TRANSFER_RING_TIME, DeciderSpec.DIAL_TIMEOUT, DeciderSpec.MAX_WAIT))
                    .when(new Park(CALL, "doug", T20))
                    .changes("call:PARKED:slot701", "agent:doug:available");
        }

        @Test
        void aFullLotKeepsTheCallConnected() {
            given().connectedTo("doug").lot(701, 702, 701, 702)
                    .when(new Park(CALL, "doug", T20))
                    .rejected(ErrorCode.PARKING_FULL, "701–702");
        }

        @Test
        void onlyTheAgentOnTheCallMayParkIt() {
            given().connectedTo("doug").when(new Park(CALL, "rhonda", T20))
                    .rejected(ErrorCode.NOT_YOUR_CALL, "Only the agent on a call can park it");
            given().ringing().when(new Park(CALL, "doug", T20)).rejected(ErrorCode.NOT_YOUR_CALL, "Only");
            given().parked().when(new Park(CALL, "doug", T20)).rejected(ErrorCode.NOT_YOUR_CALL, "Only");
        }

        @Test
        void aCallStillRingingTheAgentIsNotParked() {
            given().claimedBy("doug").when(new Park(CALL, "doug", T20))
                    .rejected(ErrorCode.INVALID_STATE, "once you are talking");
        }

        @Test
        void anEndedCallIsNotFound() {
            given().endedAlready().when(new Park(CALL, "doug", T20)).rejected(ErrorCode.CALL_NOT_FOUND, "over");
        }

        @Test
        void twilioTakingTheCallerToTheLotForgetsTheParkersLeg() {
            given().parking().when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARKED_AT))
                    .facts(new Fact.ParkSettled(CALL))
                    .changes()
                    .call(call -> {
                        assertThat(call.agentLegSid()).isNull();
                        assertThat(call.state()).isEqualTo(CallState.PARKED);
                    });
            given().parked().when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARKED_AT)).nothing();
            given().retrievedBy("rhonda").when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARKED_AT)).nothing();
        }

        @Test
        void twilioRefusingTheParkGivesTheCallBackToItsAgent() {
            given().parking().when(new ParkFailed(CALL, "doug", PARKED_AT, false, PARKED_AT))
                    .facts(new ParkUndone(CALL, "doug"))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER)
                    .call(call -> assertThat(call.slot()).isNull());
        }

        @Test
        void twilioSayingTheCallIsGoneWhileParkingEndsItAsTheParkersConversation() {
            // The caller hung up as Doug clicked park. Twilio never took the
            // caller to the lot, so the stay is undone and the call ends as Doug's call, not a caller lost in a slot.
            given().parking().when(new ParkFailed(CALL, "doug", PARKED_AT, true, PARKED_AT))
                    .facts(new ParkUndone(CALL, "doug"),
                            new CallEnded(CALL, "completed", PARKED_AT, PARKED_AT.plus(WRAP_UP)))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER, "call:ENDED:doug",
                            "agent:doug:wrap_up");
        }

        @Test
        void theCallersEndBeforeTwilioAnsweredTheParkWaitsForThatAnswer() {
            // Twilio answers a REST call after the webhooks its change caused, so
            // the caller's completed can arrive before the park's answer, whichever came first at Twilio.
            Instant at = PARKED_AT.plusMillis(40);
            given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at))
                    .facts(new Fact.CallerGone(CALL, at))
                    .changes()
                    .call(call -> assertThat(call.state()).isEqualTo(CallState.PARKED));
        }

        @Test
        void aParkTwilioTookBeforeTheCallerHungUpEndsInTheLot() {
            Instant at = PARKED_AT.plusMillis(40);
            var gone = given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at));
            given().situationFrom(gone).when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARKED_AT.plusMillis(90)))
                    .facts(new Fact.ParkSettled(CALL), new CallEnded(CALL, "caller_hangup", at, null))
                    .changes("call:ENDED:slot701");
        }

        @Test
        void aParkTwilioRefusedAsTooLateEndsAsTheParkersConversation() {
            // The caller hung up as Doug clicked park: they never were in the lot.
            Instant at = PARKED_AT.plusMillis(40);
            var gone = given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at));
            given().situationFrom(gone).when(new ParkFailed(CALL, "doug", PARKED_AT, true, PARKED_AT.plusMillis(90)))
                    .facts(new ParkUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER, "call:ENDED:doug",
                            "agent:doug:wrap_up");
        }

        @Test
        void aParkWhoseAnswerNeverCameEndsAtItsTimeoutAsTheParkersConversation() {
            Instant at = PARKED_AT.plusMillis(40);
            var gone = given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at));
            given().situationFrom(gone).when(new DeadlinePassed(CALL, PARKED_AT.plus(PARK_TIMEOUT)))
                    .facts(new ParkUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)));
        }

        @Test
        void aTakenOverParkThatFindsTheCallerGoneWaitsForTheLotsWord() {
            // Call-state parked the caller and died before storing Twilio's
            // answer; the caller hung up in the lot; the replica that took the park over found the caller gone before
            // it read the lot's word (Twilio fetching the lot's wait music). That is no park that never happened.
            Instant at = PARKED_AT.plusSeconds(7);
            var waiting = given().parking().when(new ParkFailed(CALL, "doug", PARKED_AT, true, at, true))
                    .facts(new Fact.CallerGone(CALL, at))
                    .changes();
            given().situationFrom(waiting).when(new ParkConfirmed(CALL, "doug", PARKED_AT, at.plusMillis(300)))
                    .facts(new Fact.ParkSettled(CALL), new CallEnded(CALL, "caller_hangup", at, null))
                    .changes("call:ENDED:slot701");
            var gone = given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at));
            given().situationFrom(gone).when(new ParkFailed(CALL, "doug", PARKED_AT, true, at, true)).nothing();
            // With no word from the lot, the park timeout ends it as Doug's conversation.
            given().situationFrom(waiting).when(new DeadlinePassed(CALL, PARK_DEADLINE))
                    .facts(new ParkUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)));
        }

        @Test
        void aParkTimeoutSoonAfterTheCallersEndLeavesTheLotTimeToSpeak() {
            // Call-state restarted after the caller's end; the lot's word waited for its
            // consumer to rejoin Kafka, and the park timeout came first.
            Instant at = PARK_DEADLINE.minusSeconds(20);
            var gone = given().parking().when(new ParkFailed(CALL, "doug", PARKED_AT, true, at, true));
            given().situationFrom(gone).when(new DeadlinePassed(CALL, PARK_DEADLINE)).nothing();
            given().situationFrom(gone).when(new DeadlinePassed(CALL, at.plus(CallDecider.LOT_WORD_WAIT)))
                    .facts(new ParkUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)));
        }

        @Test
        void aCallWhoseCallerIsGoneCannotBeRetrievedNorEndTwice() {
            var gone = given().parking().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T20));
            given().situationFrom(gone).when(new Retrieve(CALL, "rhonda", T20.plusMillis(5)))
                    .rejected(ErrorCode.CALL_NOT_FOUND, "over");
            given().situationFrom(gone).when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T20)).nothing();
        }

        @Test
        void theRefusalThatFollowsTheCallersEndChangesNothing() {
            given().endedAlready().when(new ParkFailed(CALL, "doug", PARKED_AT, true, PARKED_AT.plusMillis(80))).nothing();
        }

        @Test
        void aParkerOnAnotherCallAlreadyStaysOnItWhileTheCallEndsAsTheirConversation() {
            // Doug took another call while Twilio still had this caller with him;
            // the caller hung up on Doug, not in the lot, and Doug's new call is left alone.
            var gone = given().parking().agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T20))
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T20));
            given().situationFrom(gone).when(new ParkFailed(CALL, "doug", PARKED_AT, true, T20.plusMillis(90)))
                    .facts(new Fact.EndedBeforeItsPark(CALL, T20))
                    .changes("call:ENDED:doug")
                    .agentIs("doug", AgentStatus.BUSY, "CA-OTHER");
        }

        @Test
        void aRefusedParkOfAParkerWhoTookAnotherCallStaysInItsSlotForAnyoneToRetrieve() {
            // Doug is on his next call: the call is not handed back to him, and waits no longer for Twilio's answer.
            var settled = given().parking().agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T20))
                    .when(new ParkFailed(CALL, "doug", PARKED_AT, false, T20.plusMillis(90)))
                    .facts(new Fact.ParkSettled(CALL))
                    .changes()
                    .call(call -> assertThat(call.state()).isEqualTo(CallState.PARKED))
                    .agentIs("doug", AgentStatus.BUSY, "CA-OTHER");
            given().situationFrom(settled).when(new Retrieve(CALL, "rhonda", T20.plusSeconds(1)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "rhonda", CALLER, T20.plusSeconds(1)));
        }

        @Test
        void theCallersArrivalInTheLotConfirmsTheParkAndARetriedParksRefusalChangesNothing() {
            // Twilio fetched the lot's wait music for the caller; the park's answer was lost with a call-state that
            // died, and the retry found the caller gone (they hung up in the lot).
            var confirmed = given().parking().when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARKED_AT.plusMillis(60)));
            given().situationFrom(confirmed).when(new ParkFailed(CALL, "doug", PARKED_AT, true, T20)).nothing();
        }

        @Test
        void anAnswerAboutAnEarlierParkOfTheSameCallChangesNothing() {
            Instant earlier = PARKED_AT.minusSeconds(5);
            given().parking().when(new ParkConfirmed(CALL, "doug", earlier, PARKED_AT.plusMillis(60))).nothing();
            given().parking().when(new ParkFailed(CALL, "doug", earlier, true, PARKED_AT.plusMillis(60))).nothing();
        }

        @Test
        void aParkTwilioHasNotConfirmedCannotBeRetrievedYet() {
            // The caller may still be with Doug, or have hung up on him: a retrieve now would take a call that never
            // reached the lot.
            given().parking().when(new Retrieve(CALL, "rhonda", PARKED_AT.plusMillis(30)))
                    .rejected(ErrorCode.INVALID_STATE, "on its way to the parking lot");
            given().parking().when(new Claim(CALL, "rhonda", PARKED_AT.plusMillis(30)))
                    .rejected(ErrorCode.INVALID_STATE, "on its way to the parking lot");
        }
    }

    @Nested
    class Retrieving {
        @Test
        void aRetrieveIsAClaimThatKeepsTheSlotUntilTheAgentAnswers() {
            Instant at = PARKED_AT.plusSeconds(5);
            given().parked()
                    .when(new Retrieve(CALL, "rhonda", at))
                    .facts(new CallClaimed(CALL, "rhonda", at, at.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "rhonda", CALLER, at))
                    .changes("call:CLAIMED:rhonda:slot701", "agent:rhonda:busy");
        }

        @Test
        void anyoneMayRetrieveEvenWhileAway() {
            given().parked().agent(DeciderSpec.RHONDA.withStatus(AgentStatus.AWAY))
                    .when(new Retrieve(CALL, "rhonda", T20))
                    .facts(new CallClaimed(CALL, "rhonda", T20, T20.plus(CLAIM_TIMEOUT)));
        }

        @Test
        void ofTwoRetrievesTheSecondIsToldWhoWon() {
            given().retrievedBy("rhonda").when(new Retrieve(CALL, "doug", T20))
                    .rejected(ErrorCode.ALREADY_CLAIMED, "Rhonda retrieved this call first");
        }

        @Test
        void anAgentOnACallCannotRetrieve() {
            given().parked().agent(DeciderSpec.RHONDA.talkingTo("CA-OTHER", "+15550000000", T0))
                    .when(new Retrieve(CALL, "rhonda", T20))
                    .rejected(ErrorCode.AGENT_BUSY, "already on a call");
        }

        @Test
        void theRetrieversAnswerConnectsAndEmptiesTheSlot() {
            given().retrievedBy("rhonda").dialed("CA-LEG-2")
                    .when(new AgentLegStatus(CALL, "CA-LEG-2", "rhonda", IN_PROGRESS, T20))
                    .facts(new CallConnected(CALL, "rhonda", "CA-LEG-2", T20))
                    .changes("call:CONNECTED:rhonda", "agent:rhonda:busy:on:" + CALLER)
                    .call(call -> {
                        assertThat(call.slot()).isNull();
                        assertThat(call.parkedBy()).isNull();
                    });
        }

        @Test
        void anUnansweredRetrieveReturnsTheCallToItsSlot() {
            given().retrievedBy("rhonda")
                    .when(new AgentLegStatus(CALL, "CA-LEG-2", "rhonda", NO_ANSWER, T20))
                    .facts(new BackInSlot(CALL, "rhonda", T20.plus(PARK_TIMEOUT)))
                    .changes("call:PARKED:slot701", "agent:rhonda:available")
                    .call(call -> {
                        assertThat(call.parkedBy()).isEqualTo("doug");
                        assertThat(call.parkedAt()).isEqualTo(PARKED_AT);
                    });
            given().retrievedBy("rhonda").when(new DialEnded(CALL, NO_ANSWER, T20))
                    .facts(new BackInSlot(CALL, "rhonda", T20.plus(PARK_TIMEOUT)));
        }

        @Test
        void aRetrievePastItsDeadlinePutsTheCallerBackInTheParkingLot() {
            Instant late = PARKED_AT.plusSeconds(5).plus(CLAIM_TIMEOUT);
            given().retrievedBy("rhonda").when(new DeadlinePassed(CALL, late))
                    .facts(new BackInSlot(CALL, "rhonda", late.plus(PARK_TIMEOUT)))
                    .actions(new TwilioAction.HoldCaller(CALL, true));
        }

        @Test
        void aParkedCallIsNobodysToHangUp() {
            given().parked().when(new Hangup(CALL, "doug")).rejected(ErrorCode.NOT_YOUR_CALL, "Only");
        }
    }

    @Nested
    class ParkTimeout {
        @Test
        void ringsBackTheParkerAloneFirst() {
            given().parked()
                    .when(new DeadlinePassed(CALL, PARK_DEADLINE))
                    .facts(new ParkTimedOut(CALL, "doug", PARK_DEADLINE.plus(PARKER_RING_TIME),
                            PARK_DEADLINE.plus(MAX_WAIT)))
                    .actions()
                    .changes("call:RINGING:for:doug")
                    .call(call -> {
                        assertThat(call.ringReason()).isEqualTo("park_timeout");
                        assertThat(call.parkedBy()).isEqualTo("doug");
                        assertThat(call.slot()).isNull();
                    });
        }

        @Test
        void waitsForTwilioToAnswerThePark() {
            // Call-state died with the park's action, which waited for a takeover
            // past the timeout. Twilio still had the caller with Doug; ringing the call back made it a caller who
            // hung up ringing, not on Doug. The timeout fires on the first check after Twilio's answer.
            given().parking().when(new DeadlinePassed(CALL, PARK_DEADLINE.plusSeconds(9))).nothing();
            var confirmed = given().parking().when(new ParkConfirmed(CALL, "doug", PARKED_AT, PARK_DEADLINE.plusSeconds(9)));
            given().situationFrom(confirmed).when(new DeadlinePassed(CALL, PARK_DEADLINE.plusSeconds(10)))
                    .facts(new ParkTimedOut(CALL, "doug", PARK_DEADLINE.plusSeconds(10).plus(PARKER_RING_TIME),
                            PARK_DEADLINE.plusSeconds(10).plus(MAX_WAIT)));
        }

        @Test
        void beforeTheDeadlineNothingHappens() {
            given().parked().when(new DeadlinePassed(CALL, PARK_DEADLINE.minusMillis(1))).nothing();
        }

        @Test
        void aParkerWhoIsAwayOrOfflineIsSkipped() {
            given().parked().agent(DeciderSpec.DOUG.withStatus(AgentStatus.AWAY))
                    .when(new DeadlinePassed(CALL, PARK_DEADLINE))
                    .facts(new ParkTimedOut(CALL, null, null, PARK_DEADLINE.plus(MAX_WAIT)))
                    .changes("call:RINGING");
            given().parked().agent(DeciderSpec.DOUG.withPresence(Presence.OFFLINE, null))
                    .when(new DeadlinePassed(CALL, PARK_DEADLINE))
                    .facts(new ParkTimedOut(CALL, null, null, PARK_DEADLINE.plus(MAX_WAIT)));
        }

        @Test
        void theParkerTakesTheRingBack() {
            Instant at = PARK_DEADLINE.plusSeconds(3);
            given().ringingBackTheParker()
                    .when(new Claim(CALL, "doug", at))
                    .facts(new CallClaimed(CALL, "doug", at, at.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "doug", CALLER, at))
                    .changes("call:CLAIMED:doug", "ring_cancel:claimed:doug", "agent:doug:busy");
        }

        @Test
        void othersCannotTakeItWhileItRingsBackTheParker() {
            given().ringingBackTheParker().when(new Claim(CALL, "rhonda", PARK_DEADLINE.plusSeconds(3)))
                    .rejected(ErrorCode.NOT_OFFERED, "rings back Doug");
        }

        @Test
        void aRetrieveOfTheRingingBackCallCountsAsItsClaim() {
            Instant at = PARK_DEADLINE.plusSeconds(1);
            given().ringingBackTheParker().when(new Retrieve(CALL, "doug", at))
                    .facts(new CallClaimed(CALL, "doug", at, at.plus(CLAIM_TIMEOUT)));
        }

        @Test
        void afterTheParkersTimeEveryoneIsOffered() {
            given().ringingBackTheParker()
                    .when(new DeadlinePassed(CALL, PARK_DEADLINE.plus(PARKER_RING_TIME)))
                    .facts(new OfferWidened(CALL))
                    .changes("call:RINGING")
                    .call(call -> {
                        assertThat(call.offeredTo()).isNull();
                        // What is left is the wait limit, counted from the ring-back.
                        assertThat(call.deadline()).isEqualTo(PARK_DEADLINE.plus(MAX_WAIT));
                        assertThat(call.ringReason()).isEqualTo("park_timeout");
                    });
        }

        @Test
        void thenAnyAvailableAgentMayClaimIt() {
            Instant at = PARK_DEADLINE.plus(PARKER_RING_TIME).plusSeconds(1);
            var widened = given().ringingBackTheParker()
                    .when(new DeadlinePassed(CALL, PARK_DEADLINE.plus(PARKER_RING_TIME)));
            var spec = given();
            spec.situationFrom(widened);
            spec.when(new Claim(CALL, "rhonda", at)).facts(new CallClaimed(CALL, "rhonda", at, at.plus(CLAIM_TIMEOUT)));
        }
    }

    @Nested
    class TheCallerLeavesTheLot {
        @Test
        void hangingUpWhileParkedEmptiesTheSlot() {
            Instant at = PARKED_AT.plusSeconds(30);
            given().parked()
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at))
                    .facts(new CallEnded(CALL, "caller_hangup", at, null))
                    .changes("call:ENDED:slot701");
        }

        @Test
        void hangingUpWhileRetrievedFreesTheRetriever() {
            given().retrievedBy("rhonda")
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T20))
                    .changes("call:ENDED:rhonda:slot701", "agent:rhonda:available");
        }

        @Test
        void theParkersOldLegEndingChangesNothing() {
            given().parked().when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", COMPLETED, T20)).nothing();
        }

        @Test
        void aParkedCallIsNotOverWhenItsDialEnds() {
            given().parked().when(new DialEnded(CALL, COMPLETED, T20)).nothing()
                    .call(call -> assertThat(call.state()).isEqualTo(CallState.PARKED));
        }
    }
}
