package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.IN_PROGRESS;
import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.WRAP_UP;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.RHONDA;
import static io.switchboard.state.core.DeciderSpec.MAX_WAIT;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.TRANSFER_RING_TIME;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.ConsultConnected;
import io.switchboard.state.core.Fact.ConsultEnded;
import io.switchboard.state.core.Fact.ConsultOffered;
import io.switchboard.state.core.Fact.ConsultTaken;
import io.switchboard.state.core.Fact.CallTransferred;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.TransferCompleted;
import io.switchboard.state.core.Fact.TransferRangBack;
import io.switchboard.state.core.Input.AgentLegStatus;
import io.switchboard.state.core.Input.CallerLegStatus;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.EndConsult;
import io.switchboard.state.core.Input.Transfer;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The agent on a call hands it to a colleague. */
class TransferDeciderTest {
    static final Instant T20 = T0.plusSeconds(20);
    static final Instant RING_UNTIL = T20.plus(TRANSFER_RING_TIME);

    /** Doug, talking with the caller, transferred the call to Rhonda at T20. */
    static DeciderSpec.Then transferredToRhonda() {
        return given().connectedTo("doug").when(new Transfer(CALL, "doug", "rhonda", false, T20));
    }

    @Nested
    class Cold {
        @Test
        void theCallRingsForTheColleagueAloneWhileTheCallerWaitsAndTheAgentIsFreeAtOnce() {
            transferredToRhonda()
                    .facts(new CallTransferred(CALL, "doug", "rhonda", RING_UNTIL, RING_UNTIL.minus(TRANSFER_RING_TIME).plus(MAX_WAIT)))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING:for:rhonda", "agent:doug:available")
                    .call(call -> {
                        assertThat(call.ringReason()).isEqualTo("transfer");
                        assertThat(call.transferredBy()).isEqualTo("doug");
                        assertThat(call.deadline()).isEqualTo(RING_UNTIL);
                    });
        }

        @Test
        void theColleagueClaimsItAsAnyRingingCall() {
            Instant at = T20.plusSeconds(4);
            given().situationFrom(transferredToRhonda()).when(new Claim(CALL, "rhonda", at))
                    .facts(new CallClaimed(CALL, "rhonda", at, at.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.ConnectToAgent(CALL, "rhonda", DeciderSpec.CALLER, at))
                    .changes("call:CLAIMED:rhonda", "ring_cancel:claimed:rhonda", "agent:rhonda:busy")
                    .call(call -> assertThat(call.transferredBy()).isNull());
        }

        @Test
        void nobodyElseMayTakeItWhileItRingsForTheColleague() {
            given().situationFrom(transferredToRhonda()).agent(DeciderSpec.agent("hank", "Hank"))
                    .when(new Claim(CALL, "hank", T20.plusSeconds(3)))
                    .rejected(ErrorCode.NOT_OFFERED, "for Rhonda, to whom Doug transferred it");
        }

        @Test
        void unansweredItRingsBackTheAgentWhoTransferredItThenEveryone() {
            var back = given().situationFrom(transferredToRhonda()).when(new DeadlinePassed(CALL, RING_UNTIL))
                    .facts(new TransferRangBack(CALL, "doug", RING_UNTIL.plus(TRANSFER_RING_TIME)))
                    .changes("call:RINGING:for:doug");
            given().situationFrom(back).when(new Claim(CALL, "rhonda", RING_UNTIL.plusSeconds(1)))
                    .rejected(ErrorCode.NOT_OFFERED, "back Doug, who transferred it");
            given().situationFrom(back).when(new DeadlinePassed(CALL, RING_UNTIL.plus(TRANSFER_RING_TIME)))
                    .facts(new OfferWidened(CALL))
                    .changes("call:RINGING")
                    .call(call -> assertThat(call.ringReason()).isEqualTo("transfer"));
        }

        @Test
        void twilioTakingTheCallerToTheQueueSettlesTheMove() {
            var transferred = transferredToRhonda();
            transferred.call(call -> assertThat(call.transferUnconfirmed()).isTrue());
            given().situationFrom(transferred).when(new Input.CallerWaiting(CALL, T20.plusSeconds(1)))
                    .facts(new Fact.MoveSettled(CALL)).changes()
                    .call(call -> assertThat(call.transferUnconfirmed()).isFalse());
        }

        @Test
        void aCallerWhoseEndOvertookTheMoveHungUpWaitingIfTheMoveWentThrough() {
            Instant at = T20.plusMillis(150);
            var gone = given().situationFrom(transferredToRhonda())
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at))
                    .facts(new Fact.CallerGone(CALL, at)).changes();
            given().situationFrom(gone).when(new Input.CallerWaiting(CALL, at.plusMillis(50)))
                    .facts(new Fact.MoveSettled(CALL), new CallEnded(CALL, "caller_hangup", at, null))
                    .changes("ring_cancel:caller_hangup", "call:ENDED:for:rhonda");
        }

        @Test
        void aCallerGoneBeforeTheMoveWasStillWithTheAgentWhoTransferredIt() {
            // A fault held the move back, and the agent hung up first; their leaving ended
            // the conference and the caller's call.
            Instant at = T20.plusSeconds(4);
            var gone = given().situationFrom(transferredToRhonda())
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at));
            given().situationFrom(gone).when(new Input.MoveFailed(CALL, at.plusSeconds(5)))
                    .facts(new Fact.TransferUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER, "call:ENDED:doug",
                            "agent:doug:wrap_up");
            // Twilio's refusal may come before the caller's end.
            given().situationFrom(transferredToRhonda()).when(new Input.MoveFailed(CALL, at))
                    .facts(new Fact.TransferUndone(CALL, "doug"), new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)));
            given().situationFrom(gone).when(new DeadlinePassed(CALL, T20.plus(TRANSFER_RING_TIME))).nothing();
        }

        @Test
        void aCallerGoneBeforeTheMoveEndsAsTheConversationOfTheAgentWhoTookAnotherCallMeanwhile() {
            // The transferring agent, free on every screen, claimed another call before Twilio refused the move.
            Instant at = T20.plusSeconds(4);
            given().situationFrom(transferredToRhonda())
                    .agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T20.plusSeconds(2)))
                    .when(new Input.MoveFailed(CALL, at))
                    .facts(new Fact.EndedBeforeItsTransfer(CALL, at))
                    .changes("ring_cancel:completed", "call:ENDED:doug");
        }

        @Test
        void anAgentWhoTransferredItAndIsOnAnotherCallIsSkipped() {
            given().situationFrom(transferredToRhonda())
                    .agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T20.plusSeconds(5)))
                    .when(new DeadlinePassed(CALL, RING_UNTIL))
                    .facts(new OfferWidened(CALL));
        }
    }

    /** Doug, talking with the caller, started a warm transfer to Rhonda at T20: the consult rings for her. */
    static DeciderSpec.Then consultOffered() {
        return given().connectedTo("doug").when(new Transfer(CALL, "doug", "rhonda", true, T20));
    }

    static final Instant TAKEN = T20.plusSeconds(2);

    /** Rhonda took the consult; her phone rings. */
    static DeciderSpec.Then consultTaken() {
        return given().situationFrom(consultOffered()).when(new Claim(CALL, "rhonda", TAKEN));
    }

    /** Rhonda's phone answered: Doug and Rhonda talk while the caller waits on hold. */
    static DeciderSpec.Then consulting() {
        return given().situationFrom(consultTaken())
                .when(new AgentLegStatus(CALL, "CA-LEG-R", "rhonda", IN_PROGRESS, TAKEN.plusSeconds(1),
                        TAKEN.toEpochMilli()));
    }

    @Nested
    class Warm {
        @Test
        void theCallerIsPutOnHoldAndTheConsultRingsForTheColleague() {
            consultOffered()
                    .facts(new ConsultOffered(CALL, "rhonda", T20, RING_UNTIL))
                    .actions(new TwilioAction.StartConsult(CALL, "doug"))
                    .changes("call:CONNECTED:doug:for:rhonda")
                    .call(call -> {
                        assertThat(call.heldAt()).isEqualTo(T20);
                        assertThat(call.ringReason()).isEqualTo("consult");
                        assertThat(call.consultWith()).isNull();
                    })
                    .agentIs("doug", AgentStatus.BUSY, CALL);
        }

        @Test
        void theColleagueTakesTheConsultAndTheirPhoneRingsIntoTheConference() {
            consultTaken()
                    .facts(new ConsultTaken(CALL, "rhonda", TAKEN.plus(CLAIM_TIMEOUT)))
                    .actions(new TwilioAction.Consult(CALL, "doug", "rhonda", CALLER, TAKEN))
                    .changes("call:CONNECTED:doug", "agent:rhonda:busy")
                    .call(call -> assertThat(call.consultWith()).isEqualTo("rhonda"));
            given().situationFrom(consultOffered()).agent(DeciderSpec.agent("hank", "Hank"))
                    .when(new Claim(CALL, "hank", TAKEN)).rejected(ErrorCode.ALREADY_CLAIMED, "Doug");
        }

        @Test
        void theColleaguesAnswerPutsThemOnTheCallWithTheAgentWhileTheCallerWaits() {
            consulting()
                    .facts(new ConsultConnected(CALL, "rhonda", "CA-LEG-R", TAKEN.plusSeconds(1)))
                    .changes("agent:rhonda:busy:on:" + CALLER)
                    .call(call -> assertThat(call.heldAt()).isEqualTo(T20));
        }

        @Test
        void completingHandsTheCallerToTheColleagueAndFreesTheAgent() {
            Instant at = TAKEN.plusSeconds(30);
            given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", true, at))
                    .facts(new TransferCompleted(CALL, "doug", "rhonda", at.plus(WRAP_UP)))
                    .actions(new TwilioAction.CompleteTransfer(CALL, "doug", "rhonda"))
                    .changes("call:CONNECTED:rhonda", "agent:doug:wrap_up")
                    .call(call -> {
                        assertThat(call.heldAt()).isNull();
                        assertThat(call.consultWith()).isNull();
                    })
                    .agentIs("rhonda", AgentStatus.BUSY, CALL);
        }

        @Test
        void aHandedOverCallIsTransferredInTheHistory() {
            Instant at = TAKEN.plusSeconds(30);
            var handedOver = given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", true, at))
                    .steps("handed_over:doug:to rhonda");
            given().situationFrom(handedOver)
                    .when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at.plusSeconds(60)))
                    .call(call -> assertThat(call.outcome()).isEqualTo("transferred"));
        }

        @Test
        void aParkRightAfterTheHandoverWaitsForTwiliosAnswerAsAnyPark() {
            // The colleague parks the call they were just handed, and the caller hangs up before Twilio answered the
            // park. The colleague's leg marks the park unconfirmed, so the caller's end waits for the park's answer
            // instead of ending the call as if they had hung up in the lot.
            Instant at = TAKEN.plusSeconds(30);
            var handedOver = given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", true, at));
            handedOver.call(call -> assertThat(call.agentLegSid()).isEqualTo("CA-LEG-R"));
            var parked = given().situationFrom(handedOver).when(new Input.Park(CALL, "rhonda", at.plusSeconds(2)));
            Instant gone = at.plusSeconds(3);
            given().situationFrom(parked).when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, gone))
                    .facts(new Fact.CallerGone(CALL, gone));
        }

        @Test
        void aColleagueWhoHungUpBeforeTheHandoverLeavesTheCallerWithTheAgent() {
            // Twilio found the colleague gone as it handed them the caller, who waits on hold with Doug.
            Instant at = TAKEN.plusSeconds(30);
            var handedOver = given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", true, at));
            given().situationFrom(handedOver)
                    .when(new Input.ColleagueLeft(CALL, "doug", "rhonda", "CA-LEG-1", at.plusSeconds(1)))
                    .facts(new Fact.HandoverUndone(CALL, "doug", "rhonda", "CA-LEG-1"))
                    .actions(new TwilioAction.CancelConsult(CALL, "doug", "rhonda"))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CALLER, "agent:rhonda:available")
                    .call(call -> {
                        assertThat(call.agentLegSid()).isEqualTo("CA-LEG-1");
                        assertThat(call.onHold()).isFalse();
                    });
            // Doug left too, or took another call: Rhonda's end ends the call.
            given().situationFrom(handedOver)
                    .when(new Input.ColleagueLeft(CALL, "doug", "rhonda", null, at.plusSeconds(1))).nothing();
            given().situationFrom(handedOver)
                    .agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", at.plusSeconds(1)))
                    .when(new Input.ColleagueLeft(CALL, "doug", "rhonda", "CA-LEG-1", at.plusSeconds(2))).nothing();
        }

        @Test
        void completingBeforeTheColleagueAnsweredIsRefused() {
            given().situationFrom(consultTaken()).when(new EndConsult(CALL, "doug", true, TAKEN.plusSeconds(1)))
                    .rejected(ErrorCode.INVALID_STATE, "Rhonda has not answered yet");
            given().connectedTo("doug").when(new EndConsult(CALL, "doug", true, T20))
                    .rejected(ErrorCode.INVALID_STATE, "No transfer");
            given().situationFrom(consulting()).when(new EndConsult(CALL, "rhonda", true, T20))
                    .rejected(ErrorCode.NOT_YOUR_CALL, "complete its transfer");
        }

        @Test
        void cancellingGivesTheCallerBackToTheAgentAndFreesTheColleague() {
            given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", false, TAKEN.plusSeconds(30)))
                    .facts(new ConsultEnded(CALL, "rhonda"))
                    .actions(new TwilioAction.CancelConsult(CALL, "doug", "rhonda"))
                    .changes("call:CONNECTED:doug", "agent:rhonda:available")
                    .call(call -> assertThat(call.heldAt()).isNull());
            given().situationFrom(consultOffered()).when(new EndConsult(CALL, "doug", false, T20.plusSeconds(1)))
                    .facts(new ConsultEnded(CALL, "rhonda"))
                    .changes("call:CONNECTED:doug");
        }

        @Test
        void aConsultNobodyTookOrAnsweredInTimeIsCancelled() {
            given().situationFrom(consultOffered()).when(new DeadlinePassed(CALL, RING_UNTIL))
                    .facts(new ConsultEnded(CALL, "rhonda"))
                    .actions(new TwilioAction.CancelConsult(CALL, "doug", "rhonda"));
            given().situationFrom(consultTaken()).when(new DeadlinePassed(CALL, TAKEN.plus(CLAIM_TIMEOUT)))
                    .facts(new ConsultEnded(CALL, "rhonda"))
                    .changes("call:CONNECTED:doug", "agent:rhonda:available");
        }

        @Test
        void theColleagueHangingUpEndsTheConsult() {
            given().situationFrom(consulting())
                    .when(new AgentLegStatus(CALL, "CA-LEG-R", "rhonda", COMPLETED, TAKEN.plusSeconds(9)))
                    .facts(new ConsultEnded(CALL, "rhonda"))
                    .actions(new TwilioAction.CancelConsult(CALL, "doug", "rhonda"));
        }

        @Test
        void theAgentHangingUpLeavesTheCallerWithTheColleague() {
            Instant at = TAKEN.plusSeconds(9);
            given().situationFrom(consulting()).when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", COMPLETED, at))
                    .facts(new TransferCompleted(CALL, "doug", "rhonda", at.plus(WRAP_UP)))
                    .actions(new TwilioAction.CompleteTransfer(CALL, "doug", "rhonda"));
        }

        @Test
        void theAgentHangingUpBeforeTheColleagueAnsweredLeavesThemACallThatRingsForThem() {
            Instant at = TAKEN.plusSeconds(1);
            given().situationFrom(consultTaken()).when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", COMPLETED, at))
                    .facts(new ConsultEnded(CALL, "rhonda"),
                            new CallTransferred(CALL, "doug", "rhonda", at.plus(TRANSFER_RING_TIME), at.plus(MAX_WAIT)))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:CONNECTED:doug", "agent:rhonda:available", "call:RINGING:for:rhonda",
                            "agent:doug:available");
            given().situationFrom(consultOffered()).when(new AgentLegStatus(CALL, "CA-LEG-1", "doug", COMPLETED, at))
                    .facts(new CallTransferred(CALL, "doug", "rhonda", at.plus(TRANSFER_RING_TIME), at.plus(MAX_WAIT)));
        }

        @Test
        void theCallerHangingUpDuringTheConsultFreesBothAgents() {
            Instant at = TAKEN.plusSeconds(9);
            given().situationFrom(consulting()).when(new CallerLegStatus(CALL, CALLER, NUMBER, COMPLETED, at))
                    .facts(new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)))
                    .changes("call:ENDED:doug", "agent:doug:wrap_up", "agent:rhonda:available");
        }

        @Test
        void aConsultTwilioFoundNoConferenceForEndsTheCallAsTheAgentsConversation() {
            // The agent hung up as the consult began, before Twilio was asked to keep the
            // conference going without them; their leaving ended it, and the caller's call with it. Twilio refusing
            // the consult as gone tells call-state so, as Twilio's record of the call would.
            Instant at = T20.plusSeconds(3);
            given().situationFrom(consultOffered())
                    .when(new Input.TwilioRecord(CALL, COMPLETED, at, at))
                    .facts(new CallEnded(CALL, "completed", at, at.plus(WRAP_UP)))
                    .changes("call:ENDED:doug:for:rhonda", "agent:doug:wrap_up");
        }

        @Test
        void anAgentWhoLeftDuringACancelledConsultLeavesTheCallerToRingAgain() {
            // The agent hung up during the consult (their leaving no longer ended the call),
            // then the consult was cancelled; Twilio found them gone, and the caller alone in the conference.
            var cancelled = given().situationFrom(consulting()).when(new EndConsult(CALL, "doug", false, TAKEN));
            Instant at = TAKEN.plusMillis(300);
            given().situationFrom(cancelled).when(new Input.AgentLeft(CALL, "doug", at))
                    .facts(new Fact.ClaimReleased(CALL, "doug", "agent_left"))
                    .actions(new TwilioAction.HoldCaller(CALL, false))
                    .changes("call:RINGING", "agent:doug:available");
            // The agent's end came first and ended the call on every screen: Twilio is asked to end it too.
            given().endedAlready().when(new Input.AgentLeft(CALL, "doug", at))
                    .facts().actions(new TwilioAction.EndCall(CALL));
        }

        @Test
        void nothingElseMayBeDoneWithTheCallUntilTheTransferIsCompleteOrCancelled() {
            given().situationFrom(consulting()).when(new Input.Hold(CALL, "doug", false, TAKEN.plusSeconds(3)))
                    .rejected(ErrorCode.INVALID_STATE, "complete or cancel the transfer first");
            given().situationFrom(consulting()).when(new Input.Park(CALL, "doug", TAKEN.plusSeconds(3)))
                    .rejected(ErrorCode.INVALID_STATE, "transferring this call to Rhonda");
            given().situationFrom(consultOffered()).when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.INVALID_STATE, "complete or cancel");
        }
    }

    @Nested
    class Refused {
        @Test
        void aColleagueWhoCannotTakeItNowIsRefusedSayingWhy() {
            given().connectedTo("doug").agent(RHONDA.withStatus(AgentStatus.AWAY))
                    .when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.TARGET_UNAVAILABLE, "Rhonda is away");
            given().connectedTo("doug").agent(RHONDA.withPresence(Presence.OFFLINE, null))
                    .when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.TARGET_UNAVAILABLE, "Rhonda is offline");
            given().connectedTo("doug").agent(RHONDA.talkingTo("CA-OTHER", "+15550000000", T0))
                    .when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.TARGET_UNAVAILABLE, "Rhonda is on a call");
            given().connectedTo("doug").agent(RHONDA.withStatus(AgentStatus.WRAP_UP))
                    .when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.TARGET_UNAVAILABLE, "wrapping up");
        }

        @Test
        void anUnknownColleagueOrOneselfIsRefused() {
            given().connectedTo("doug").when(new Transfer(CALL, "doug", "nobody", false, T20))
                    .rejected(ErrorCode.UNKNOWN_AGENT, "nobody");
            given().connectedTo("doug").when(new Transfer(CALL, "doug", "doug", false, T20))
                    .rejected(ErrorCode.BAD_REQUEST, "not to yourself");
        }

        @Test
        void onlyTheAgentTalkingOnTheCallMayTransferIt() {
            given().connectedTo("doug").when(new Transfer(CALL, "rhonda", "doug", false, T20))
                    .rejected(ErrorCode.NOT_YOUR_CALL, "transfer it");
            given().claimedBy("doug").when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.INVALID_STATE, "once you are talking");
            given().situationFrom(transferredToRhonda()).when(new Transfer(CALL, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.NOT_YOUR_CALL, "transfer it")
                    .call(call -> assertThat(call.state()).isEqualTo(CallState.RINGING));
        }
    }
}
