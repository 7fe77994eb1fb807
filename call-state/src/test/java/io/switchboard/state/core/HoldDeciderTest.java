package io.switchboard.state.core;

import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ErrorCode;
import io.switchboard.state.core.Fact.CallHeld;
import io.switchboard.state.core.Fact.CallUnheld;
import io.switchboard.state.core.Input.Hold;
import io.switchboard.state.core.Input.HoldFailed;
import io.switchboard.state.core.Input.Park;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The agent on a call puts the caller on hold in the call's conference, and takes them off it. */
class HoldDeciderTest {
    static final Instant T20 = T0.plusSeconds(20);

    @Test
    void theAgentOnTheCallPutsTheCallerOnHoldAndEveryScreenSeesSince() {
        given().connectedTo("doug").when(new Hold(CALL, "doug", true, T20))
                .facts(new CallHeld(CALL, T20))
                .actions(new TwilioAction.HoldInConference(CALL, true))
                .changes("call:CONNECTED:doug")
                .call(call -> assertThat(call.heldAt()).isEqualTo(T20))
                .agentIs("doug", AgentStatus.BUSY, CALL);
    }

    @Test
    void takingTheCallerOffHoldEndsTheHold() {
        var held = given().connectedTo("doug").when(new Hold(CALL, "doug", true, T20));
        given().situationFrom(held).when(new Hold(CALL, "doug", false, T20.plusSeconds(30)))
                .facts(new CallUnheld(CALL))
                .actions(new TwilioAction.HoldInConference(CALL, false))
                .changes("call:CONNECTED:doug")
                .call(call -> assertThat(call.heldAt()).isNull());
    }

    @Test
    void clickingHoldTwiceChangesNothing() {
        var held = given().connectedTo("doug").when(new Hold(CALL, "doug", true, T20));
        given().situationFrom(held).when(new Hold(CALL, "doug", true, T20.plusSeconds(1))).nothing();
        given().connectedTo("doug").when(new Hold(CALL, "doug", false, T20)).nothing();
    }

    @Test
    void onlyTheAgentOnTheCallMayHoldItAndOnlyOnceTalking() {
        given().connectedTo("doug").when(new Hold(CALL, "rhonda", true, T20))
                .rejected(ErrorCode.NOT_YOUR_CALL, "on hold");
        given().claimedBy("doug").when(new Hold(CALL, "doug", true, T20))
                .rejected(ErrorCode.INVALID_STATE, "once you are talking");
        given().endedAlready().when(new Hold(CALL, "doug", true, T20)).rejected(ErrorCode.CALL_NOT_FOUND, "over");
    }

    @Test
    void aHoldTwilioRefusedIsUndoneOnEveryScreen() {
        var held = given().connectedTo("doug").when(new Hold(CALL, "doug", true, T20));
        given().situationFrom(held).when(new HoldFailed(CALL, true, T20.plusMillis(300)))
                .facts(new CallUnheld(CALL))
                .actions()
                .changes("call:CONNECTED:doug");
        var unheld = given().situationFrom(held).when(new Hold(CALL, "doug", false, T20.plusSeconds(5)));
        given().situationFrom(unheld).when(new HoldFailed(CALL, false, T20.plusSeconds(6)))
                .facts(new CallHeld(CALL, T20.plusSeconds(6)));
    }

    @Test
    void aRefusalTheAgentOvertookChangesNothing() {
        // Doug took the caller off hold before Twilio refused to put them on it: the screens show the truth already.
        given().connectedTo("doug").when(new HoldFailed(CALL, true, T20)).nothing();
        given().parked().when(new HoldFailed(CALL, true, T20)).nothing();
    }

    @Test
    void aCallerOnHoldMayBeParkedAndWaitsInTheLotNotOnHold() {
        var held = given().connectedTo("doug").when(new Hold(CALL, "doug", true, T20));
        given().situationFrom(held).when(new Park(CALL, "doug", T20.plusSeconds(10)))
                .call(call -> assertThat(call.heldAt()).isNull());
    }
}
