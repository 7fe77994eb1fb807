package io.switchboard.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which stored recording URLs the gateway fetches with the account's credentials: Twilio's API's, and only those. */
class TwilioRecordingsTest {
    static final URI TWILIO = TwilioRecordings.apiBase("https://api.twilio.com");
    static final String RECORDING = "/2010-04-01/Accounts/AC0123/Recordings/RE0123456789abcdef0123456789abcdef";

    @Test
    void aRecordingUrlUnderTheApiIsFetched() {
        assertThat(TwilioRecordings.under(TWILIO, "https://api.twilio.com" + RECORDING)).isTrue();
        assertThat(TwilioRecordings.under(TWILIO, "https://API.twilio.com:443" + RECORDING)).isTrue();
        URI simulator = TwilioRecordings.apiBase("http://localhost:8090/");
        assertThat(TwilioRecordings.under(simulator, "http://localhost:8090" + RECORDING)).isTrue();
    }

    @Test
    void anythingThatCouldLeadElsewhereIsNot() {
        for (String elsewhere : new String[] {
                "https://api.twilio.com.example.org" + RECORDING,
                "https://api.twilio.com@example.org" + RECORDING,
                "https://user:pass@api.twilio.com" + RECORDING,
                "http://api.twilio.com" + RECORDING,
                "https://api.twilio.com:8443" + RECORDING,
                "https://example.org" + RECORDING,
                "https://api.twilio.com" + RECORDING + "?redirect=https://example.org",
                "https://api.twilio.com" + RECORDING + "#x",
                "https://api.twilio.com/2010-04-01/../../etc/passwd",
                "https://api.twilio.com/%2e%2e/x",
                "https://api.twilio.com//example.org/x",
                "https://api.twilio.com",
                "/2010-04-01/Accounts/AC0123/Recordings/RE1",
                "not a url at all",
                "file:///etc/passwd"}) {
            assertThat(TwilioRecordings.under(TWILIO, elsewhere)).as(elsewhere).isFalse();
        }
        URI mounted = TwilioRecordings.apiBase("http://localhost:8090/twilio");
        assertThat(TwilioRecordings.under(mounted, "http://localhost:8090/twilio" + RECORDING)).isTrue();
        assertThat(TwilioRecordings.under(mounted, "http://localhost:8090/twilio-other" + RECORDING)).isFalse();
        assertThat(TwilioRecordings.under(mounted, "http://localhost:8090" + RECORDING)).isFalse();
    }

    @Test
    void aBaseThatIsNoUrlStopsTheGateway() {
        assertThatThrownBy(() -> TwilioRecordings.apiBase("api.twilio.com"))
                .hasMessageContaining("switchboard.twilio.api-base-url");
    }
}
