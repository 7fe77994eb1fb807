package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.security.RequestValidator;
import io.switchboard.stack.twilio.TwilioSignature;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {
    private static final String TOKEN = "12345";
    private static final String URL = "https://example.test/twilio/voice/status?tenant=acme";
    private static final Map<String, String> PARAMS = Map.of("CallSid", "CA1", "CallStatus", "ringing",
            "From", "+15551230000", "To", "client:doug");

    @Test
    void twilioJavaAcceptsOurSignature() {
        String signature = TwilioSignature.sign(TOKEN, URL, PARAMS);

        assertThat(new RequestValidator(TOKEN).validate(URL, PARAMS, signature)).isTrue();
    }

    @Test
    void anotherTokenOrAnotherUrlDoesNotValidate() {
        String signature = TwilioSignature.sign("other", URL, PARAMS);

        assertThat(new RequestValidator(TOKEN).validate(URL, PARAMS, signature)).isFalse();
        assertThat(new RequestValidator(TOKEN).validate(URL.replace("acme", "evil"), PARAMS,
                TwilioSignature.sign(TOKEN, URL, PARAMS))).isFalse();
    }
}
