package io.switchboard.state.core;

import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.MAX_WAIT;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static io.switchboard.contract.TwilioCallStatus.BUSY;
import static io.switchboard.contract.TwilioCallStatus.CANCELED;
import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.IN_PROGRESS;
import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.contract.TwilioCallStatus.RINGING;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import io.switchboard.state.core.Input.AgentLegStatus;
import io.switchboard.state.core.Input.CallerLegStatus;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.ConnectFailed;
import io.switchboard.state.core.Input.DialEnded;
import io.switchboard.state.core.Input.Hangup;
import io.switchboard.state.core.Input.RingIncoming;
import io.switchboard.state.core.Input.TwilioRecord;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CallDeciderTest {
    static final Instant T1 = T0.plusSeconds(1);
    static final Instant T9 = T0.plusSeconds(9);

    @Nested
    class IncomingCall {
        @Test
        void ringsEveryScreen() {
            given().noCall()
                    .when(new RingIncoming(CALL, CALLER, NUMBER, T0))
                    .facts(new CallRang(CallRecord.ringing(CALL, "acme", CALLER, NUMBER, T0, T0.plus(MAX_WAIT))))
                    .changes("call:RINGING")
                    .callIs(CallState.RINGING, null);
        }

        @Test
        void aRetriedWebhookRingsOnce() {
            given().ringing().when(new RingIncoming(CALL, CALLER, NUMBER, T1)).nothing().changes();
        }

        @Test
        void arrivingAfterTheCallEndedDoesNotBringItBack() {
            given().endedAlready().when(new RingIncoming(CALL, CALLER, NUMBER, T1)).nothing();
        }
    }

    @Nested
    class ClaimingACall {
        @Test
        void aClaimIsTimedInWholeMillisecondsSoItsLegIsRecognisedAfterPostgresRoundsTheTime() {
            // A claim at .688999700 was stored as .689, its leg called back with
            // claim=…688, and the answered leg was taken for an earlier claim's.
            Instant clicked = T1.plusNanos(688_999_700);
            Instant claimedAt = T1.plusMillis(688);
            given().ringing()
                    .when(new Claim(CALL, "doug", clicked))
                    .facts(new CallClaimed(CALL, "doug", claimedAt, claimedAt.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "doug", CALLER, claimedAt));
        }

        @Test
        void theFirstClaimWinsAndStopsEveryoneElsesRinging() {
            given().ringing()
                    .when(new Claim(CALL, "doug", T1))
                    .facts(new CallClaimed(CALL, "doug", T1, T1.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "doug", CALLER, T1))
                    .changes("call:CLAIMED:doug", "ring_cancel:claimed:doug", "agent:doug:busy")
                    .callIs(CallState.CLAIMED, "doug")
                    .agentIs("doug", AgentStatus.BUSY, null);
        }

        @Test
        void theSecondClaimIsToldWhoWon() {
            given().claimedBy("doug")
                    .when(new Claim(CALL, "rhonda", T1))
                    .rejected(ErrorCode.ALREADY_CLAIMED, "Doug answered this call first");
        }

        @Test
        void aClaimOfAConnectedCallIsAlreadyClaimed() {
            given().connectedTo("doug").when(new Claim(CALL, "rhonda", T9))
                    .rejected(ErrorCode.ALREADY_CLAIMED, "Doug");
        }

        @Test
        void theWinnerClickingTwiceChangesNothing() {
            given().claimedBy("doug").when(new Claim(CALL, "doug", T1)).nothing();
        }

        @Test
        void anUnknownCallIsNotFound() {
            given().noCall().when(new Claim(CALL, "doug", T1)).rejected(ErrorCode.CALL_NOT_FOUND, "No such call");
        }

        @Test
        void anEndedCallIsNotFound() {
            given().endedAlready().when(new Claim(CALL, "doug", T1)).rejected(ErrorCode.CALL_NOT_FOUND, "over");
        }

        @Test
        void anAgentOnAnotherCallCannotClaim() {
            given().ringing().agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T0))
                    .when(new Claim(CALL, "doug", T1))
                    .rejected(ErrorCode.AGENT_BUSY, "already on a call");
        }

        @Test
        void anUnknownOrDeactivatedAgentCannotClaim() {
            given().ringing().without("doug").when(new Claim(CALL, "doug", T1))
                    .rejected(ErrorCode.UNKNOWN_AGENT, "doug");
            var deactivated = new AgentRecord("acme", "doug", "Doug", false, DeciderSpec.DOUG.presence(),
                    AgentStatus.AVAILABLE, null, null, null, null, null);
            given().ringing().agent(deactivated).when(new Claim(CALL, "doug", T1))
                    .rejected(ErrorCode.UNKNOWN_AGENT, "not an active agent");
        }

        @Test
        void anAwayAgentIsNotOfferedTheCall() {
            given().ringing().agent(DeciderSpec.DOUG.withStatus(AgentStatus.AWAY))
                    .when(new Claim(CALL, "doug", T1))
                    .rejected(ErrorCode.NOT_OFFERED, "You are away");
        }

        @Test
        void anAgentInWrapUpIsNotOfferedTheCall() {
            given().ringing().agent(DeciderSpec.DOUG.free(T9))
                    .when(new Claim(CALL, "doug", T1))
                    .rejected(ErrorCode.NOT_OFFERED, "wrapping up");
        }
    }

    @Nested
    class TheAgentsLeg {
        @Test
        void answeredConnectsTheCallAndShowsTheCallerOnTheAgent() {
            given().claimedBy("doug").dialed("CA-LEG-1")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9))
                    .facts(new CallConnected(CALL, "doug", "CA-LEG-1", T9))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER)
                    .agentIs("doug", AgentStatus.BUSY, CALL);
        }

        @Test
        void aLateCallbackOfAnEarlierClaimsLegChangesNothing() {
            // Doug's first claim was given back at its deadline while its leg's
            // callbacks waited (call-ingest down); he claimed again, and the old leg's "completed" arrived now. It
            // must not give back the new claim, whose leg rings (or already talks) at Twilio.
            long earlierClaim = T0.toEpochMilli();
            given().claimedBy("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-OLD", "doug", COMPLETED, T9, earlierClaim)).nothing();
        }

        @Test
        void anAnsweredLegOfAClaimGivenBackPutsTheCallerBackOnHold() {
            // The claim's deadline gave the call back and call-state died before
            // it put the caller on hold; then the leg's "answered" arrived. Twilio has the caller talking with Doug,
            // every screen shows the call ringing: Twilio is asked to agree with the screens.
            given().ringing()
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9, T0.toEpochMilli()))
                    .facts()
                    .actions(new TwilioAction.HoldCaller(CALL, false), TwilioAction.EndCall.agentLeg("CA-LEG-1", CALL));
        }

        @Test
        void aCallbackOfThisClaimsLegIsApplied() {
            long thisClaim = T0.plusSeconds(2).toEpochMilli();
            given().claimedBy("doug").dialed("CA-LEG-1")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9, thisClaim))
                    .facts(new CallConnected(CALL, "doug", "CA-LEG-1", T9));
        }

        @Test
        void anAnswerBeforeTwilioTookTheCallerToTheConferenceConnectsOnceItDid() {
            // The caller hung up while Twilio was asked to move them to the conference, and
            // the agent answered into an empty one. The answer waits for Twilio's word on the caller's move.
            Instant claimedAt = T0.plusSeconds(2);
            var answered = given().claimedBy("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T1))
                    .facts(new Fact.AgentAnswered(CALL, "CA-LEG-1", T1))
                    .changes();
            given().situationFrom(answered).when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T1))
                    .nothing();
            given().situationFrom(answered).when(new Input.AgentDialed(CALL, "doug", claimedAt, "CA-LEG-1", T9))
                    .facts(new CallConnected(CALL, "doug", "CA-LEG-1", T1))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER);
            given().situationFrom(answered).when(new Input.ConnectFailed(CALL, "doug", true, T9))
                    .facts(new CallEnded(CALL, "caller_hangup", T9, null));
        }

        @Test
        void theCallersJoinOfTheClaimsConferenceConnectsTheAnswerWithoutTwiliosAnswerToTheConnect() {
            Instant claimedAt = T0.plusSeconds(2);
            long claim = claimedAt.toEpochMilli();
            var joined = given().claimedBy("doug").when(new Input.CallerJoined(CALL, claim, T1))
                    .facts(new Fact.CallerJoined(CALL, T1))
                    .changes();
            given().situationFrom(joined).when(new Input.CallerJoined(CALL, claim, T1)).nothing();
            var connected = given().situationFrom(joined)
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9, claim))
                    .facts(new CallConnected(CALL, "doug", "CA-LEG-1", T9))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER);
            given().situationFrom(connected).when(new Input.AgentDialed(CALL, "doug", claimedAt, "CA-LEG-1", T9))
                    .nothing();

            var answered = given().claimedBy("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T1, claim))
                    .facts(new Fact.AgentAnswered(CALL, "CA-LEG-1", T1))
                    .changes();
            given().situationFrom(answered).when(new Input.CallerJoined(CALL, claim, T9))
                    .facts(new CallConnected(CALL, "doug", "CA-LEG-1", T1))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER);
        }

        @Test
        void aJoinOfAnEarlierClaimsConferenceSaysNothingOfThisOne() {
            // The caller joined the conference of a claim given back since: that says nothing of their move now.
            long earlierClaim = T0.toEpochMilli();
            given().claimedBy("doug").when(new Input.CallerJoined(CALL, earlierClaim, T1)).nothing();
            var answered = given().claimedBy("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T1))
                    .facts(new Fact.AgentAnswered(CALL, "CA-LEG-1", T1))
                    .changes();
            given().situationFrom(answered).when(new Input.CallerJoined(CALL, earlierClaim, T9)).nothing();
            given().connectedTo("doug").when(new Input.CallerJoined(CALL, T0.plusSeconds(2).toEpochMilli(), T9))
                    .nothing();
        }

        @Test
        void answeredTwiceConnectsOnce() {
            given().connectedTo("doug").when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9)).nothing();
        }

        @Test
        void ringingChangesNothing() {
            given().claimedBy("doug").when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", RINGING, T1)).nothing();
        }

        @Test
        void notAnsweredGivesTheCallBackToEveryoneAndTheCallerBackToTheQueue() {
            // The caller waits in the conference for the agent; nobody comes, so they wait in the queue again.
            given().claimedBy("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", NO_ANSWER, T9))
                    .facts(new ClaimReleased(CALL, "doug", "agent_no_answer"))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING", "agent:doug:available")
                    .callIs(CallState.RINGING, null);
        }

        @Test
        void aLegTwilioCancelledWithTheConferenceAsksNothingOfTwilio() {
            // Twilio cancels the agent's leg when the caller's leaving ends the conference: there is nobody to move.
            given().claimedBy("doug").when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", CANCELED, T9))
                    .facts(new ClaimReleased(CALL, "doug", "agent_canceled"))
                    .actions();
        }

        @Test
        void twilioNamingTheAgentsLegRemembersItForAGiveBackToHangUp() {
            Instant claimedAt = T0.plusSeconds(2);
            var dialed = given().claimedBy("doug")
                    .when(new Input.AgentDialed(CALL, "doug", claimedAt, "CA-LEG-1", T1))
                    .facts(new Fact.AgentDialed(CALL, "CA-LEG-1"))
                    .changes();
            given().situationFrom(dialed).when(new DeadlinePassed(CALL, claimedAt.plus(CLAIM_TIMEOUT).plusMillis(1)))
                    .actions(new TwilioAction.HoldCaller(CALL, false), TwilioAction.EndCall.agentLeg("CA-LEG-1", CALL));
        }

        @Test
        void aLegDialledForAClaimGivenBackOrACallOverIsHungUp() {
            Instant earlierClaim = T0.plusSeconds(1);
            given().claimedBy("doug").when(new Input.AgentDialed(CALL, "doug", earlierClaim, "CA-LEG-0", T9))
                    .facts()
                    .actions(TwilioAction.EndCall.agentLeg("CA-LEG-0", CALL));
            given().ringing().when(new Input.AgentDialed(CALL, "doug", T0.plusSeconds(2), "CA-LEG-1", T9))
                    .actions(TwilioAction.EndCall.agentLeg("CA-LEG-1", CALL));
            given().endedAlready().when(new Input.AgentDialed(CALL, "doug", T0.plusSeconds(2), "CA-LEG-1", T9))
                    .actions(TwilioAction.EndCall.agentLeg("CA-LEG-1", CALL));
        }

        @Test
        void twilioNamingALegItsCallbacksNamedFirstChangesNothing() {
            given().connectedTo("doug").when(new Input.AgentDialed(CALL, "doug", T0.plusSeconds(2), "CA-LEG-1", T9))
                    .nothing();
        }

        @Test
        void busyGivesTheCallBack() {
            given().claimedBy("doug").when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", BUSY, T9))
                    .facts(new ClaimReleased(CALL, "doug", "agent_busy"));
        }

        @Test
        void aLegOfAnEarlierClaimIsIgnored() {
            given().claimedBy("rhonda").when(new AgentLegStatus(CALL, "CA-LEG-0", "doug", IN_PROGRESS, T9)).nothing();
        }

        @Test
        void anAnsweredLegOfAnEarlierClaimIsHungUpBeforeItMeetsTheCallerInTheConference() {
            // The leg joined the call's conference: Rhonda's caller, or the same agent's new leg, would find it there.
            long earlierClaim = T0.toEpochMilli();
            given().claimedBy("rhonda").when(new AgentLegStatus(CALL, "CA-LEG-0", "doug", IN_PROGRESS, T9, earlierClaim))
                    .facts()
                    .actions(TwilioAction.EndCall.agentLeg("CA-LEG-0", CALL));
            given().connectedTo("doug").when(new AgentLegStatus(CALL, "CA-LEG-0", "doug", IN_PROGRESS, T9, earlierClaim))
                    .facts()
                    .actions(TwilioAction.EndCall.agentLeg("CA-LEG-0", CALL));
        }

        @Test
        void theAgentsLegEndingEndsTheCall() {
            given().connectedTo("doug")
                    .when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", COMPLETED, T9))
                    .facts(new CallEnded(CALL, "completed", T9, T9.plus(DeciderSpec.WRAP_UP)))
                    .changes("call:ENDED:doug", "agent:doug:wrap_up")
                    .agentIs("doug", AgentStatus.WRAP_UP, null);
        }

        @Test
        void aDialThatFoundNoAnswerGivesTheCallBack() {
            given().claimedBy("doug").when(new DialEnded(CALL, NO_ANSWER, T9))
                    .facts(new ClaimReleased(CALL, "doug", "agent_no_answer"));
        }

        @Test
        void theDialReportArrivingAfterTheLegsReportChangesNothing() {
            given().ringing().when(new DialEnded(CALL, NO_ANSWER, T9)).nothing();
        }

        @Test
        void twilioRefusingToConnectGivesTheCallBack() {
            // The caller may have reached the conference although the agent's leg was refused.
            given().claimedBy("doug").when(new ConnectFailed(CALL, "doug", false, T1))
                    .facts(new ClaimReleased(CALL, "doug", "connect_failed"))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING", "agent:doug:available");
        }

        @Test
        void aCallerGoneBeforeReachingTheConferenceWhoseAgentAnsweredAnywayNeverTalked() {
            // The agent's leg answered into the empty conference before Twilio
            // refused to move the caller, who had hung up. The screens must not say they talked.
            given().connectedTo("doug").when(new ConnectFailed(CALL, "doug", true, T9))
                    .facts(new CallEnded(CALL, "caller_hangup", T9, null))
                    .changes("call:ENDED:doug", "agent:doug:available");
            given().connectedTo("doug").when(new ConnectFailed(CALL, "rhonda", true, T9)).nothing();
        }

        @Test
        void aCallerTwilioWouldNotMoveToTheAgentWhoAnsweredRingsAgain() {
            given().connectedTo("doug").when(new ConnectFailed(CALL, "doug", false, T9))
                    .facts(new ClaimReleased(CALL, "doug", "connect_failed"))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING", "agent:doug:available")
                    .agentIs("doug", AgentStatus.AVAILABLE, null);
        }

        @Test
        void twilioSayingTheCallIsGoneEndsIt() {
            given().claimedBy("doug").when(new ConnectFailed(CALL, "doug", true, T1))
                    .facts(new CallEnded(CALL, "caller_hangup", T1, null))
                    .changes("ring_cancel:caller_hangup", "call:ENDED:doug", "agent:doug:available");
        }
    }

    @Nested
    class ClaimTimeout {
        @Test
        void anUnansweredClaimPastItsDeadlineRingsAgainAndTheCallerGoesBackOnHold() {
            Instant afterDeadline = T0.plusSeconds(2).plus(CLAIM_TIMEOUT).plusMillis(1);
            given().claimedBy("doug")
                    .when(new DeadlinePassed(CALL, afterDeadline))
                    .facts(new ClaimReleased(CALL, "doug", "claim_timeout"))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING", "agent:doug:available");
        }

        @Test
        void beforeTheDeadlineNothingHappens() {
            given().claimedBy("doug").when(new DeadlinePassed(CALL, T9)).nothing();
        }

        @Test
        void anAnsweredCallDoesNotTimeOut() {
            given().connectedTo("doug").when(new DeadlinePassed(CALL, T0.plusSeconds(600))).nothing();
        }
    }

    @Nested
    class TheCallerLeaves {
        @Test
        void whileRingingEveryScreenStopsRingingAndTheCallClears() {
            given().ringing()
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T9))
                    .facts(new CallEnded(CALL, "caller_hangup", T9, null))
                    .changes("ring_cancel:caller_hangup", "call:ENDED");
        }

        @Test
        void whileClaimedTheClaimantIsFreedToo() {
            given().claimedBy("doug")
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T9))
                    .changes("ring_cancel:caller_hangup", "call:ENDED:doug", "agent:doug:available");
        }

        @Test
        void whileConnectedTheAgentsCurrentCallClears() {
            given().connectedTo("doug")
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T9))
                    .facts(new CallEnded(CALL, "completed", T9, T9.plus(DeciderSpec.WRAP_UP)))
                    .changes("call:ENDED:doug", "agent:doug:wrap_up")
                    .agentIs("doug", AgentStatus.WRAP_UP, null);
        }

        @Test
        void aProgressCallbackOfTheCallerChangesNothing() {
            given().ringing().when(new CallerLegStatus(CALL, CALLER, NUMBER, IN_PROGRESS, T1)).nothing();
        }

        @Test
        void aRepeatedOrLateEndChangesNothing() {
            given().endedAlready().when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T9)).nothing();
            given().endedAlready().when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", IN_PROGRESS, T9)).nothing();
            given().endedAlready().when(new DialEnded(CALL, COMPLETED, T9)).nothing();
            given().endedAlready().when(new DeadlinePassed(CALL, T9)).nothing();
        }

        @Test
        void anEndThatOvertakesTheIncomingEventIsRememberedSoTheCallNeverRings() {
            given().noCall()
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, T9))
                    .facts(new UnseenCallEnded(CALL, CALLER, NUMBER, "caller_hangup", T9))
                    .changes();
        }
    }

    @Nested
    class HangingUp {
        @Test
        void theAgentOnTheCallAsksTwilioToEndItAndTheCallbackEndsIt() {
            given().connectedTo("doug").when(new Hangup(CALL, "doug"))
                    .facts()
                    .actions(new TwilioAction.EndCall(CALL));
        }

        @Test
        void someoneElsesCallIsRefused() {
            given().connectedTo("doug").when(new Hangup(CALL, "rhonda"))
                    .rejected(ErrorCode.NOT_YOUR_CALL, "Only the agent on a call");
        }

        @Test
        void aRingingCallIsNobodysToHangUp() {
            given().ringing().when(new Hangup(CALL, "doug")).rejected(ErrorCode.NOT_YOUR_CALL, "Only");
        }

        @Test
        void anEndedCallIsNotFound() {
            given().endedAlready().when(new Hangup(CALL, "doug")).rejected(ErrorCode.CALL_NOT_FOUND, "over");
        }
    }

    /** A call silent for a while is checked against Twilio's own record: its final callback may be lost for good. */
    @Nested
    class TwilioSaysTheCallIsOver {
        static final Instant ENDED_AT = T0.plusSeconds(30);
        static final Instant CHECKED_AT = T0.plusSeconds(150);

        @Test
        void aConnectedCallEndsWhenTwilioSaysItEndedAndItsAgentWrapsUp() {
            given().connectedTo("doug")
                    .when(new TwilioRecord(CALL, COMPLETED, ENDED_AT, CHECKED_AT))
                    .facts(new CallEnded(CALL, "completed", ENDED_AT, ENDED_AT.plus(DeciderSpec.WRAP_UP)))
                    .changes("call:ENDED:doug", "agent:doug:wrap_up");
        }

        @Test
        void aRingingCallStopsRingingOnEveryScreen() {
            given().ringing()
                    .when(new TwilioRecord(CALL, CANCELED, ENDED_AT, CHECKED_AT))
                    .facts(new CallEnded(CALL, "caller_hangup", ENDED_AT, null))
                    .changes("ring_cancel:caller_hangup", "call:ENDED");
        }

        @Test
        void aCallTwilioDoesNotKnowEndsWhenItWasChecked() {
            given().claimedBy("doug")
                    .when(new TwilioRecord(CALL, null, null, CHECKED_AT))
                    .facts(new CallEnded(CALL, "caller_hangup", CHECKED_AT, null))
                    .changes("ring_cancel:caller_hangup", "call:ENDED:doug", "agent:doug:available");
        }

        @Test
        void aCallStillGoingOnAtTwilioStaysAsItIs() {
            given().connectedTo("doug").when(new TwilioRecord(CALL, IN_PROGRESS, null, CHECKED_AT)).nothing();
            given().ringing().when(new TwilioRecord(CALL, RINGING, null, CHECKED_AT)).nothing();
        }

        @Test
        void aCallEndedMeanwhileStaysEnded() {
            given().endedAlready().when(new TwilioRecord(CALL, COMPLETED, ENDED_AT, CHECKED_AT)).nothing();
        }
    }
}
