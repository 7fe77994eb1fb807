package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.BUSY;
import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.IN_PROGRESS;
import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.contract.TwilioCallStatus.RINGING;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.CUSTOMER;
import static io.switchboard.state.core.DeciderSpec.DIAL_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.OUTBOUND;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallHeld;
import io.switchboard.state.core.Fact.CallPlaced;
import io.switchboard.state.core.Fact.NumberCalled;
import io.switchboard.state.core.Input.AgentDialed;
import io.switchboard.state.core.Input.AgentLegStatus;
import io.switchboard.state.core.Input.ConnectFailed;
import io.switchboard.state.core.Input.DeadlinePassed;
import io.switchboard.state.core.Input.Dial;
import io.switchboard.state.core.Input.Hangup;
import io.switchboard.state.core.Input.Hold;
import io.switchboard.state.core.Input.NumberLegStatus;
import io.switchboard.state.core.Input.Park;
import io.switchboard.state.core.Input.Transfer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** An agent places a call: their phone rings first, then the number, the tenant's number shown. */
class DialDeciderTest {
    static final Instant T3 = T0.plusSeconds(3);
    static final Instant T8 = T0.plusSeconds(8);
    static final Instant T20 = T0.plusSeconds(20);

    @Nested
    class PlacingACall {
        @Test
        void theCallIsTheAgentsOnEveryScreenAndTheirPhoneRingsFirst() {
            Instant clicked = T0.plusNanos(688_999_700);
            given().noCall().when(new Dial(OUTBOUND, "doug", CUSTOMER, clicked))
                    .facts(new CallPlaced(CallRecord.placed(OUTBOUND, "acme", NUMBER, CUSTOMER, "doug",
                            T0.plusMillis(688), T0.plusMillis(688).plus(CLAIM_TIMEOUT))))
                    .actions(new TwilioAction.PlaceCall(OUTBOUND, "doug", NUMBER, CUSTOMER, T0.plusMillis(688)))
                    // Nobody else's screen rings for it: no ring_cancel either.
                    .changes("call:CLAIMED:doug", "agent:doug:busy")
                    .call(call -> assertThat(Projection.view(call).direction()).isEqualTo("outbound"));
        }

        @Test
        void theSameDialDeliveredAgainPlacesNothing() {
            given().placedBy("doug").when(new Dial(OUTBOUND, "doug", CUSTOMER, T3)).nothing();
            given().endedAlready().when(new Dial(OUTBOUND, "doug", CUSTOMER, T3)).nothing();
        }

        @Test
        void anAgentWhoIsAwayOrWrappingUpMayCallBack() {
            given().agent(DeciderSpec.DOUG.withStatus(AgentStatus.AWAY))
                    .when(new Dial(OUTBOUND, "doug", CUSTOMER, T0)).changes("call:CLAIMED:doug", "agent:doug:busy");
        }

        @Test
        void anAgentOnACallIsRefused() {
            given().agent(DeciderSpec.DOUG.talkingTo("CA0009", DeciderSpec.CALLER, T0))
                    .when(new Dial(OUTBOUND, "doug", CUSTOMER, T20))
                    .rejected(ErrorCode.AGENT_BUSY, "already on a call");
        }

        @Test
        void whatIsNoPhoneNumberInE164IsRefused() {
            for (String bad : List.of("4155550123", "+1 415 555 0123", "+0123456", "+1415", "pizza", "+999123456")) {
                given().noCall().when(new Dial(OUTBOUND, "doug", bad, T0))
                        .rejected(ErrorCode.INVALID_NUMBER, "international format");
            }
        }

        @Test
        void aTenantCallsItsOwnCountryUnlessItListsOthers() {
            given().noCall().when(new Dial(OUTBOUND, "doug", "+442071838750", T0))
                    .rejected(ErrorCode.NUMBER_NOT_ALLOWED, "country code +44");
            given().dialing(new Dialing(NUMBER, Set.of(1, 44))).when(new Dial(OUTBOUND, "doug", "+442071838750", T0))
                    .changes("call:CLAIMED:doug", "agent:doug:busy");
            given().dialing(new Dialing(NUMBER, Set.of(44))).when(new Dial(OUTBOUND, "doug", CUSTOMER, T0))
                    .rejected(ErrorCode.NUMBER_NOT_ALLOWED, "country code +1");
        }

        @Test
        void aTenantWithoutANumberCannotCallOut() {
            given().dialing(new Dialing(null, Set.of())).when(new Dial(OUTBOUND, "doug", CUSTOMER, T0))
                    .rejected(ErrorCode.INVALID_STATE, "no phone number to call from");
        }

        @Test
        void twilioRefusingToRingTheAgentEndsTheCall() {
            given().placedBy("doug").when(new ConnectFailed(OUTBOUND, "doug", false, T3))
                    .facts(new CallEnded(OUTBOUND, "failed", T3, null))
                    .actions()
                    .changes("call:ENDED:doug", "agent:doug:available");
        }
    }

    @Nested
    class TheAgentsPhone {
        @Test
        void itsAnswerHasTwilioCallTheNumber() {
            given().placedBy("doug").when(new AgentLegStatus(OUTBOUND, "CA-LEG-1", "doug", IN_PROGRESS, T3,
                            T0.toEpochMilli()))
                    .facts(new NumberCalled(OUTBOUND, "CA-LEG-1", T3, T3.plus(DIAL_TIMEOUT)))
                    .actions(new TwilioAction.CallNumber(OUTBOUND, "doug", NUMBER, CUSTOMER))
                    .changes()
                    .callIs(CallState.CLAIMED, "doug");
        }

        @Test
        void theSameAnswerAgainCallsTheNumberOnce() {
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new AgentLegStatus(OUTBOUND, "CA-LEG-1", "doug", IN_PROGRESS, T3, T0.toEpochMilli()))
                    .nothing();
        }

        @Test
        void twilioNamingTheLegConnectsNothing() {
            given().placedBy("doug").when(new AgentDialed(OUTBOUND, "doug", T0, "CA-LEG-1", T3))
                    .facts(new Fact.AgentDialed(OUTBOUND, "CA-LEG-1")).changes();
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new AgentDialed(OUTBOUND, "doug", T0, "CA-LEG-1", T3)).nothing();
        }

        @Test
        void unansweredItEndsTheCallAndTheAgentIsFreeAtOnce() {
            given().placedBy("doug").when(new AgentLegStatus(OUTBOUND, "CA-LEG-1", "doug", NO_ANSWER, T20,
                            T0.toEpochMilli()))
                    .facts(new CallEnded(OUTBOUND, "agent_no_answer", T20, null))
                    .changes("call:ENDED:doug", "agent:doug:available");
        }

        @Test
        void hangingUpWhileTheNumberRingsCancelsTheCall() {
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new AgentLegStatus(OUTBOUND, "CA-LEG-1", "doug", COMPLETED, T8, T0.toEpochMilli()))
                    .facts(new CallEnded(OUTBOUND, "canceled", T8, null))
                    .changes("call:ENDED:doug", "agent:doug:available");
        }

        @Test
        void neitherAnswerNorCallbackInTimeEndsTheCall() {
            given().placedBy("doug").when(new DeadlinePassed(OUTBOUND, T0.plus(CLAIM_TIMEOUT)))
                    .facts(new CallEnded(OUTBOUND, "agent_no_answer", T0.plus(CLAIM_TIMEOUT), null))
                    .actions();
        }

        @Test
        void aNumberRingingPastItsTimeIsAskedAboutBeforeTheCallEnds() {
            // The number's callbacks saying it answered may be lost (call-ingest down past Twilio's retries): ending
            // the call at the deadline would cut off a conversation Twilio has going.
            Instant late = T3.plus(DIAL_TIMEOUT);
            var asked = given().placedBy("doug").numberRinging("CA-LEG-1").when(new DeadlinePassed(OUTBOUND, late))
                    .facts(new Fact.NumberChecked(OUTBOUND, late.plus(CallDecider.NUMBER_ASK_WAIT)))
                    .actions(new TwilioAction.CheckNumber(OUTBOUND))
                    .changes();
            Instant answer = late.plusMillis(200);
            given().situationFrom(asked).when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", IN_PROGRESS, answer))
                    .facts(new CallConnected(OUTBOUND, "doug", "CA-LEG-1", answer));
            given().situationFrom(asked).when(new NumberLegStatus(OUTBOUND, null, NO_ANSWER, answer))
                    .facts(new CallEnded(OUTBOUND, "no_answer", answer, null))
                    .actions(new TwilioAction.EndCall("CA-LEG-1"));
            // Still ringing (Twilio's timeout counts from a little later): asked again once the wait is over.
            given().situationFrom(asked).when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", RINGING, answer)).nothing();
            given().situationFrom(asked).when(new DeadlinePassed(OUTBOUND, answer)).nothing();
            Instant again = late.plus(CallDecider.NUMBER_ASK_WAIT);
            given().situationFrom(asked).when(new DeadlinePassed(OUTBOUND, again))
                    .actions(new TwilioAction.CheckNumber(OUTBOUND));
        }
    }

    @Nested
    class TheNumber {
        @Test
        void itsAnswerConnectsTheCallOnEveryScreen() {
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", IN_PROGRESS, T8))
                    .facts(new CallConnected(OUTBOUND, "doug", "CA-LEG-1", T8))
                    .changes("call:CONNECTED:doug", "agent:doug:busy:on:" + CUSTOMER)
                    .call(call -> assertThat(call.answeredAt()).isEqualTo(T8));
        }

        @Test
        void itsRingingChangesNothing() {
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", RINGING, T3)).nothing();
        }

        @Test
        void busyOrUnansweredItEndsTheCallAndHangsUpTheAgentWaiting() {
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", BUSY, T8))
                    .facts(new CallEnded(OUTBOUND, "busy", T8, null))
                    .actions(new TwilioAction.EndCall("CA-LEG-1"))
                    .changes("call:ENDED:doug", "agent:doug:available");
            given().placedBy("doug").numberRinging("CA-LEG-1")
                    .when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", NO_ANSWER, T20))
                    .facts(new CallEnded(OUTBOUND, "no_answer", T20, null));
        }

        @Test
        void hangingUpAfterTalkingEndsTheCallAndTheAgentWrapsUp() {
            given().talkingOnAPlacedCall("doug").when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", COMPLETED, T20))
                    .facts(new CallEnded(OUTBOUND, "completed", T20, T20.plus(DeciderSpec.WRAP_UP)))
                    .changes("call:ENDED:doug", "agent:doug:wrap_up");
        }

        @Test
        void answeringACallThatIsOverItIsHungUp() {
            given().endedAlready().when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", IN_PROGRESS, T20))
                    .facts().actions(new TwilioAction.EndCall("CA-NUM-1"));
            given().endedAlready().when(new NumberLegStatus(OUTBOUND, "CA-NUM-1", COMPLETED, T20)).nothing();
        }
    }

    @Nested
    class OnThePlacedCall {
        @Test
        void theAgentHoldsTheNumberAsAnyCaller() {
            given().talkingOnAPlacedCall("doug").when(new Hold(OUTBOUND, "doug", true, T20))
                    .facts(new CallHeld(OUTBOUND, T20))
                    .actions(new TwilioAction.HoldInConference(OUTBOUND, true));
        }

        @Test
        void hangingUpEndsTheConferenceOrTheAgentsRingingPhone() {
            given().talkingOnAPlacedCall("doug").when(new Hangup(OUTBOUND, "doug"))
                    .facts().actions(new TwilioAction.EndCall(OUTBOUND));
            given().placedBy("doug").numberRinging("CA-LEG-1").when(new Hangup(OUTBOUND, "doug"))
                    .facts().actions(new TwilioAction.EndCall("CA-LEG-1"));
            given().placedBy("doug").when(new Hangup(OUTBOUND, "doug"))
                    .rejected(ErrorCode.INVALID_STATE, "still calling your phone");
        }

        @Test
        void itCannotBeParkedOrTransferred() {
            given().talkingOnAPlacedCall("doug").when(new Park(OUTBOUND, "doug", T20))
                    .rejected(ErrorCode.INVALID_STATE, "not parked");
            given().talkingOnAPlacedCall("doug").when(new Transfer(OUTBOUND, "doug", "rhonda", false, T20))
                    .rejected(ErrorCode.INVALID_STATE, "not transferred");
            given().talkingOnAPlacedCall("doug").when(new Transfer(OUTBOUND, "doug", "rhonda", true, T20))
                    .rejected(ErrorCode.INVALID_STATE, "not transferred");
        }

        @Test
        void nobodyElseCanClaimIt() {
            given().placedBy("doug").when(new Input.Claim(OUTBOUND, "rhonda", T3))
                    .rejected(ErrorCode.ALREADY_CLAIMED, "Doug");
        }
    }
}
