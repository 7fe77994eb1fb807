package io.switchboard.state.core;

import static io.switchboard.state.core.DeciderSpec.CALL;
import static io.switchboard.state.core.DeciderSpec.CALLER;
import static io.switchboard.state.core.DeciderSpec.NUMBER;
import static io.switchboard.state.core.DeciderSpec.T0;
import static io.switchboard.state.core.DeciderSpec.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.ErrorCode;
import io.switchboard.state.core.Fact.VoicemailClosed;
import io.switchboard.state.core.Fact.VoicemailLeft;
import io.switchboard.state.core.Fact.VoicemailTaken;
import io.switchboard.state.core.Input.TakeVoicemail;
import io.switchboard.state.core.Input.VoicemailDone;
import io.switchboard.state.core.Input.VoicemailRecorded;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A caller's message: stored once, taken by one agent, closed by them. */
class VoicemailDeciderTest {
    static final String RECORDING = "RE0123456789abcdef0123456789abcdef";
    static final String URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + RECORDING;
    static final Instant RECORDED = T0.plusSeconds(200);
    static final VoicemailRecord OPEN = new VoicemailRecord(RECORDING, "acme", CALL, CALLER, NUMBER, RECORDED, 12, URL,
            null, null, null);

    @Nested
    class Recorded {
        @Test
        void everyScreenGetsTheNewVoicemail() {
            given().endedAlready()
                    .when(new VoicemailRecorded(CALL, RECORDING, CALLER, NUMBER, URL, 12, RECORDED))
                    .facts(new VoicemailLeft(OPEN))
                    .changes("voicemail:" + RECORDING + ":open");
        }

        @Test
        void twilioSendingTheCallbackAgainStoresNothingTwice() {
            given().endedAlready().voicemail(OPEN)
                    .when(new VoicemailRecorded(CALL, RECORDING, CALLER, NUMBER, URL, 12, RECORDED.plusSeconds(1)))
                    .nothing();
        }
    }

    @Nested
    class Taken {
        @Test
        void theFirstAgentToTakeItHasIt() {
            given().voicemail(OPEN)
                    .when(new TakeVoicemail(RECORDING, "doug", RECORDED.plusSeconds(5)))
                    .facts(new VoicemailTaken(RECORDING, "doug", RECORDED.plusSeconds(5)))
                    .changes("voicemail:" + RECORDING + ":taken:doug");
        }

        @Test
        void theSecondIsToldWhoWasFirst() {
            given().voicemail(OPEN.takenBy("doug", RECORDED.plusSeconds(5)))
                    .when(new TakeVoicemail(RECORDING, "rhonda", RECORDED.plusSeconds(6)))
                    .rejected(ErrorCode.ALREADY_TAKEN, "Doug took this voicemail first.");
        }

        @Test
        void theSameTakeAgainChangesNothing() {
            given().voicemail(OPEN.takenBy("doug", RECORDED.plusSeconds(5)))
                    .when(new TakeVoicemail(RECORDING, "doug", RECORDED.plusSeconds(6)))
                    .nothing();
        }

        @Test
        void anUnknownOrHandledVoicemailCannotBeTaken() {
            given().when(new TakeVoicemail(RECORDING, "doug", RECORDED))
                    .rejected(ErrorCode.VOICEMAIL_NOT_FOUND, "unknown");
            given().voicemail(OPEN.takenBy("doug", RECORDED).done(RECORDED.plusSeconds(60)))
                    .when(new TakeVoicemail(RECORDING, "rhonda", RECORDED.plusSeconds(61)))
                    .rejected(ErrorCode.VOICEMAIL_NOT_FOUND, "handled");
        }

        @Test
        void onlyAnActiveAgentTakesOne() {
            given().voicemail(OPEN).without("doug")
                    .when(new TakeVoicemail(RECORDING, "doug", RECORDED))
                    .rejected(ErrorCode.UNKNOWN_AGENT, "doug");
        }
    }

    @Nested
    class Done {
        @Test
        void theAgentWhoTookItClosesItAndItLeavesEveryScreen() {
            Instant at = RECORDED.plusSeconds(60);
            given().voicemail(OPEN.takenBy("doug", RECORDED.plusSeconds(5)))
                    .when(new VoicemailDone(RECORDING, "doug", at))
                    .facts(new VoicemailClosed(RECORDING, at))
                    .changes("voicemail:" + RECORDING + ":done:doug")
                    .voicemail(v -> assertThat(v.doneAt()).isEqualTo(at));
        }

        @Test
        void anotherAgentCannotCloseIt() {
            given().voicemail(OPEN.takenBy("doug", RECORDED.plusSeconds(5)))
                    .when(new VoicemailDone(RECORDING, "rhonda", RECORDED.plusSeconds(60)))
                    .rejected(ErrorCode.NOT_YOUR_VOICEMAIL, "only they can mark it done");
        }

        @Test
        void anOpenOneMustBeTakenFirst() {
            given().voicemail(OPEN).when(new VoicemailDone(RECORDING, "doug", RECORDED.plusSeconds(60)))
                    .rejected(ErrorCode.INVALID_STATE, "Take the voicemail");
        }

        @Test
        void aClosedOneIsGone() {
            given().voicemail(OPEN.takenBy("doug", RECORDED).done(RECORDED.plusSeconds(60)))
                    .when(new VoicemailDone(RECORDING, "doug", RECORDED.plusSeconds(61)))
                    .rejected(ErrorCode.VOICEMAIL_NOT_FOUND, "handled");
        }
    }
}
