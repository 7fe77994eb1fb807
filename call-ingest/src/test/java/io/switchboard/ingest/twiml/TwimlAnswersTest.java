package io.switchboard.ingest.twiml;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.contract.handling.CallHandling;
import io.switchboard.contract.handling.CallHandling.AfterHours;
import io.switchboard.contract.handling.CallHandling.AtLimit;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TwimlAnswersTest {
    /** The wait URL's connection overrides, as they appear in TwiML's XML. */
    private static final String HOLD_OVERRIDES = VoiceWebhooks.TWIML_OVERRIDES.replace("&", "&amp;");

    private static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    private final TwimlAnswers twiml = new TwimlAnswers("https://ingest.example.com/", "https://audio.example/hold.mp3");

    @Test
    void incomingCallWaitsInTheTenantsQueueWithHoldMusic() {
        assertThat(twiml.enqueue("acme")).isEqualTo(XML
                + "<Response><Enqueue waitUrl=\"https://ingest.example.com/twilio/voice/hold#" + HOLD_OVERRIDES
                + "\">acme</Enqueue></Response>");
    }

    @Test
    void holdPlaysTheConfiguredAudioInALoop() {
        assertThat(twiml.hold())
                .isEqualTo(XML + "<Response><Play loop=\"0\">https://audio.example/hold.mp3</Play></Response>");
    }

    @Test
    void afterAConversationTheCallerIsHungUpOtherwiseQueuedAgain() {
        String hangup = XML + "<Response><Hangup/></Response>";
        assertThat(twiml.afterDial("acme", TwilioCallStatus.COMPLETED, false)).isEqualTo(hangup);
        assertThat(twiml.afterDial("acme", TwilioCallStatus.ANSWERED, true)).isEqualTo(hangup);
        for (TwilioCallStatus unanswered : new TwilioCallStatus[] {TwilioCallStatus.NO_ANSWER, TwilioCallStatus.BUSY,
                TwilioCallStatus.FAILED, TwilioCallStatus.CANCELED}) {
            assertThat(twiml.afterDial("acme", unanswered, false)).isEqualTo(twiml.enqueue("acme"));
        }
    }

    @Test
    void anUnansweredRetrieveWaitsInTheParkingLotAgain() {
        assertThat(twiml.afterDial("acme", TwilioCallStatus.NO_ANSWER, true)).isEqualTo(XML
                + "<Response><Enqueue waitUrl=\"https://ingest.example.com/twilio/voice/hold#" + HOLD_OVERRIDES
                + "\">acme-parking</Enqueue></Response>");
    }

    @Test
    void rejectAndEmptyResponses() {
        assertThat(twiml.reject()).isEqualTo(XML + "<Response><Reject/></Response>");
        assertThat(twiml.empty()).isEqualTo(XML + "<Response/>");
    }

    @Test
    void tenantNamesAreEscaped() {
        assertThat(twiml.enqueue("a&b")).contains(">a&amp;b</Enqueue>");
    }

    @Test
    void theAfterHoursMessagePrecedesTheGreetingOnlyOutsideBusinessHours() {
        CallHandling settings = new CallHandling(null, AtLimit.VOICEMAIL, null, ZoneId.of("UTC"), null, Set.of(),
                AfterHours.VOICEMAIL, "We are closed.", "Leave a message.", null);

        String inHours = twiml.voicemail("acme", "CA1", "+15551230000", "+15005550006", settings, false);
        String outside = twiml.voicemail("acme", "CA1", "+15551230000", "+15005550006", settings, true);

        assertThat(inHours).contains("<Response><Say>Leave a message.</Say><Record ").doesNotContain("closed");
        assertThat(outside).contains("<Response><Say>We are closed.</Say><Say>Leave a message.</Say><Record ");
    }

    @Test
    void theCallersNumbersAreEncodedIntoTheRecordingCallbackUrl() {
        String voicemail = twiml.voicemail("acme & co", "CA1", "+15551230000", null, CallHandling.defaults(), false);

        assertThat(voicemail).contains("recordingStatusCallback=\"https://ingest.example.com/twilio/voice/recording"
                + "?tenant=acme+%26+co&amp;call=CA1&amp;from=%2B15551230000&amp;to=#");
    }

    @Test
    void aForwardWithoutACallerNumberLeavesTheCallerIdToTwilio() {
        assertThat(twiml.forward("acme", "CA1", null, "+15005550199")).doesNotContain("callerId")
                .contains(">+15005550199</Dial>");
    }
}
