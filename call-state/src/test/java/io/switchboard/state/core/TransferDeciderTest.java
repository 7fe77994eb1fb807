package io.switchboard.state.core;

import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CLAIM_TIMEOUT;
import static io.switchboard.state.core.DeciderSpec.RHONDA;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.TRANSFER_RING_TIME;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallTransferred;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.TransferRangBack;
import io.switchboard.state.core.Input.Claim;
import io.switchboard.state.core.Input.DeadlinePassed;
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
                    .facts(new CallTransferred(CALL, "doug", "rhonda", RING_UNTIL))
                    .actions(new TwilioAction.HoldCaller(CALL, false, null))
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
        void anAgentWhoTransferredItAndIsOnAnotherCallIsSkipped() {
            given().situationFrom(transferredToRhonda())
                    .agent(DeciderSpec.DOUG.talkingTo("CA-OTHER", "+15550000000", T20.plusSeconds(5)))
                    .when(new DeadlinePassed(CALL, RING_UNTIL))
                    .facts(new OfferWidened(CALL));
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
