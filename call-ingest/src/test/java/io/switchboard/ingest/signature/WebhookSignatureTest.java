package io.switchboard.ingest.signature;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.stack.twilio.TwilioSignature;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-HMAC check accepts what twilio-java's RequestValidator accepts, and nothing else. */
class WebhookSignatureTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> FORM = Map.of("CallSid", "CA1", "From", "+15551230000",
            "To", "+15005550006", "CallStatus", "ringing", "Caller", "Jos\u00e9");
    private final WebhookSignature signatures = new WebhookSignature(TOKEN);

    @Test
    void acceptsTwiliosSignatureOfTheUrlAsGiven() {
        for (String url : new String[] {"https://ingest.example.com/twilio/voice/incoming",
                "http://localhost:8081/twilio/voice/status?tenant=acme&claim=1700000000123",
                "https://ingest.example.com/twilio/voice/hold?From=%2B15551230000&QueueTime=3"}) {
            assertThat(signatures.signsForm(url, FORM, TwilioSignature.sign(TOKEN, url, FORM))).as(url).isTrue();
        }
    }

    /** Twilio may sign with the default port written out, or without the port the URL was given with. */
    @Test
    void acceptsTheOtherPortFormAsRequestValidatorDoes() {
        assertThat(signatures.signsForm("https://ingest.example.com/twilio/voice/incoming", FORM,
                TwilioSignature.sign(TOKEN, "https://ingest.example.com:443/twilio/voice/incoming", FORM))).isTrue();
        assertThat(signatures.signsForm("https://ingest.example.com:443/twilio/voice/incoming", FORM,
                TwilioSignature.sign(TOKEN, "https://ingest.example.com/twilio/voice/incoming", FORM))).isTrue();
    }

    @Test
    void refusesAnotherKeyUrlOrForm() {
        String url = "https://ingest.example.com/twilio/voice/incoming";
        assertThat(signatures.signsForm(url, FORM, TwilioSignature.sign("another-accounts-token", url, FORM)))
                .isFalse();
        assertThat(signatures.signsForm(url, FORM, TwilioSignature.sign(TOKEN, url + "?tenant=acme", FORM)))
                .isFalse();
        assertThat(signatures.signsForm(url, Map.of("CallSid", "CA2"), TwilioSignature.sign(TOKEN, url, FORM)))
                .isFalse();
        assertThat(signatures.signsForm(url, FORM, "bm90IGEgc2lnbmF0dXJl")).isFalse();
    }
}
